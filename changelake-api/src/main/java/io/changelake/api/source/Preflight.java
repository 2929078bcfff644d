package io.changelake.api.source;

import io.changelake.api.spi.CheckResult;
import io.changelake.api.spi.SourceException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a source's named preflight checks one way for {@link io.changelake.api.spi.Source#discover()} (the
 * first failure throws) and another for {@link io.changelake.api.spi.Source#checks()} (every check runs and
 * its {@link CheckResult} is kept), so that both run the same checks. A check fails by throwing a {@link
 * SourceException} whose message names the problem and its fix.
 */
public final class Preflight {
  private final boolean collecting;
  private final List<CheckResult> results = new ArrayList<>();

  private Preflight(boolean collecting) {
    this.collecting = collecting;
  }

  /** Checks whose first failure throws, as discovery runs them. */
  public static Preflight failFast() {
    return new Preflight(false);
  }

  /** Checks that all run, each result kept for {@link #results()}. */
  public static Preflight collecting() {
    return new Preflight(true);
  }

  /** A check's body: returns normally when it passes, throws a {@link SourceException} with the fix when not. */
  @FunctionalInterface
  public interface Check<E extends Exception> {
    void run() throws E;
  }

  /**
   * Runs {@code check} named {@code name}; returns whether it passed. Collecting, any exception becomes the
   * check's problem; failing fast, it is thrown.
   */
  public <E extends Exception> boolean check(String name, Check<E> check) throws E {
    try {
      check.run();
      results.add(CheckResult.passed(name));
      return true;
    } catch (Exception e) {
      if (!collecting) {
        throw e;
      }
      results.add(CheckResult.failed(name, e instanceof SourceException ? e.getMessage()
          : e.getClass().getSimpleName() + ": " + e.getMessage()));
      return false;
    }
  }

  /** Records a check the caller ran itself. */
  public void add(CheckResult result) {
    results.add(result);
  }

  /** The checks run so far, in order. */
  public List<CheckResult> results() {
    return List.copyOf(results);
  }
}
