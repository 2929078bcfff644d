package io.changelake.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that runs a sync: it only turns its flags into a {@link SyncRequest}. */
abstract class SyncCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** The request these flags describe; throws IllegalArgumentException for inconsistent flags. */
  abstract SyncRequest request();

  @Override
  public Integer call() {
    return new SyncRunner(spec.commandLine().getOut(), spec.commandLine().getErr()).run(request());
  }
}
