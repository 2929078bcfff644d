package io.changelake.api.spi;

import java.util.Objects;

/**
 * The outcome of one preflight check of a source or the lake (e.g. {@code wal_level = logical}).
 *
 * @param name what was checked, for a line of {@code changelake check}
 * @param problem null when the check passed; else what is wrong and how to fix it
 */
public record CheckResult(String name, String problem) {

  public CheckResult {
    Objects.requireNonNull(name, "name");
  }

  public static CheckResult passed(String name) {
    return new CheckResult(name, null);
  }

  public static CheckResult failed(String name, String problem) {
    return new CheckResult(name, Objects.requireNonNull(problem, "problem"));
  }

  public boolean passed() {
    return problem == null;
  }
}
