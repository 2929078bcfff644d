package io.changelake.api.spi;

/**
 * What {@link SinkTable#maintain} removed.
 *
 * @param versionsExpired versions (snapshots) no longer retained
 * @param filesDeleted data and delete files that only expired versions referenced, deleted
 * @param orphansDeleted files in the table's folder that no version referenced, older than the orphan age, deleted
 */
public record MaintenanceResult(long versionsExpired, long filesDeleted, long orphansDeleted) {

  public static final MaintenanceResult NOTHING = new MaintenanceResult(0, 0, 0);

  public MaintenanceResult {
    if (versionsExpired < 0 || filesDeleted < 0 || orphansDeleted < 0) {
      throw new IllegalArgumentException("Counts cannot be negative: " + versionsExpired + ", " + filesDeleted
          + ", " + orphansDeleted);
    }
  }
}
