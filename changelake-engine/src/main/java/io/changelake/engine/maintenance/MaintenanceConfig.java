package io.changelake.engine.maintenance;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigOption;
import java.time.Duration;
import java.util.Map;

/** Options of the writer's table maintenance ({@code --maintenance-conf key=value}), whatever the format. */
public final class MaintenanceConfig {

  public static final ConfigOption<Boolean> ENABLED = ConfigOption.bool("enabled")
      .defaultValue(true)
      .doc("Whether the sync maintains its tables between commits: expiry, orphan removal, compaction.")
      .build();

  public static final ConfigOption<Duration> INTERVAL = ConfigOption.duration("interval")
      .defaultValue(Duration.ofHours(1))
      .check(d -> !d.isNegative() && !d.isZero(), "a positive duration")
      .doc("At most one maintenance round per this interval.")
      .build();

  public static final ConfigOption<Duration> SNAPSHOT_RETENTION = ConfigOption.duration("snapshot-retention")
      .defaultValue(Duration.ofDays(7))
      .check(d -> !d.isNegative(), "zero or a positive duration")
      .doc("Versions committed within this age are kept for time travel and running readers; older ones expire"
          + " (the newest pipeline commit is always kept).")
      .build();

  public static final ConfigOption<Integer> RETAIN_LAST = ConfigOption.integer("retain-last")
      .defaultValue(10)
      .check(n -> n >= 1, "at least 1")
      .doc("The newest versions kept whatever their age.")
      .build();

  public static final ConfigOption<Duration> ORPHAN_AGE = ConfigOption.duration("orphan-age")
      .defaultValue(Duration.ofDays(1))
      .check(d -> d.compareTo(Duration.ofHours(1)) >= 0, "at least 1h, longer than any commit takes")
      .doc("Files no version references are deleted once this old (left by a crashed commit).")
      .build();

  public static final ConfigOption<Integer> COMPACT_DELETE_PERCENT = ConfigOption.integer("compact.delete-percent")
      .defaultValue(20)
      .check(n -> n >= 1, "a positive percentage")
      .doc("Compacts a table when its delete files hold at least this percentage of its data files' rows.")
      .build();

  public static final ConfigOption<Integer> COMPACT_FILES = ConfigOption.integer("compact.files")
      .defaultValue(500)
      .check(n -> n >= 2, "at least 2")
      .doc("Compacts a table when its latest version reads at least this many files.")
      .build();

  public static final ConfigDef DEF = new ConfigDef("maintenance")
      .define(ENABLED).define(INTERVAL).define(SNAPSHOT_RETENTION).define(RETAIN_LAST).define(ORPHAN_AGE)
      .define(COMPACT_DELETE_PERCENT).define(COMPACT_FILES);

  private MaintenanceConfig() { }

  /** The settings {@code options} ask for, validated. */
  public static MaintenanceSettings parse(Map<String, String> options) {
    Config config = DEF.parse(options);
    return new MaintenanceSettings(config.get(ENABLED), config.get(INTERVAL), config.get(SNAPSHOT_RETENTION),
        config.get(RETAIN_LAST), config.get(ORPHAN_AGE), config.get(COMPACT_DELETE_PERCENT),
        config.get(COMPACT_FILES));
  }
}
