package io.changelake.engine.pipeline;

/** The pipeline cannot go on. Nothing beyond what every table committed was acknowledged. */
public class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PipelineException(String message, Throwable cause) {
    super(message, cause);
  }
}
