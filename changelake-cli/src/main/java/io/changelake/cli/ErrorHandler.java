package io.changelake.cli;

import io.changelake.api.config.ConfigException;
import io.changelake.engine.pipeline.PipelineException;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SourceException;
import picocli.CommandLine;

/**
 * Turns failures into one clear message on stderr and an exit code; stack traces only with
 * {@code CHANGELAKE_DEBUG=1}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println("Error: " + e.getMessage());
    cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage and examples.");
    return ExitCode.USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    int code = exitCode(e);
    cmd.getErr().println("Error: " + e.getMessage());
    if (code == ExitCode.USAGE) {
      cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage and examples.");
    }
    if ("1".equals(System.getenv("CHANGELAKE_DEBUG"))) {
      e.printStackTrace(cmd.getErr());
    }
    return code;
  }

  static int exitCode(Throwable e) {
    if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
      return ExitCode.USAGE;
    }
    if (e instanceof SourceException || (e instanceof PipelineException && e.getCause() instanceof SourceException)) {
      return ExitCode.SOURCE;
    }
    if (e instanceof SinkException || (e instanceof PipelineException && e.getCause() == null)) {
      return ExitCode.TABLE;
    }
    return ExitCode.FAILED;
  }
}
