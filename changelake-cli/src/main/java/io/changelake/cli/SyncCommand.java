package io.changelake.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that runs a sync: it only turns its flags into a {@link SyncRequest}. */
abstract class SyncCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** The request these flags describe; throws IllegalArgumentException for inconsistent flags. */
  abstract SyncRequest request();

  /** Lines to show before the sync starts, e.g. for flags accepted without effect. */
  List<String> notices() {
    return List.of();
  }

  @Override
  public Integer call() {
    return run(new SyncRunner(spec.commandLine().getOut(), spec.commandLine().getErr()));
  }

  /** Runs the requested sync on {@code runner} after showing the notices; returns the exit code. */
  int run(SyncRunner runner) {
    SyncRequest request = request();
    notices().forEach(runner::notice);
    return runner.run(request);
  }
}
