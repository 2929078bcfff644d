package io.changelake.cli;

/** Exit codes of the {@code changelake} command; documented in {@code changelake --help}. */
final class ExitCode {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int SOURCE = 3;
  static final int TABLE = 4;
  static final int DIFFERENT = 5;

  private ExitCode() { }
}
