package io.changelake.engine.mirror;

/**
 * A change one {@link TableMirror} cannot take (an incompatible schema change, a missing key, a
 * computed column that fails): it stops that table only, and its message names the fix. The changes
 * the table had gathered are not committed; after the fix the table resumes from its last commit.
 */
public final class MirrorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MirrorException(String message) {
    super(message);
  }
}
