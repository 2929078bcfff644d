package io.changelake.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What each test writes to {@code System.err}: the sync's log lines (slf4j-simple writes to the
 * current {@code System.err}) and command errors. Passed on to the original stream after the test.
 *
 * <pre>{@code
 * @RegisterExtension
 * final CapturedStderr stderr = new CapturedStderr();
 * }</pre>
 */
final class CapturedStderr implements BeforeEachCallback, AfterEachCallback {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private PrintStream original;

  @Override
  public void beforeEach(ExtensionContext context) {
    original = System.err;
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.setErr(original);
    original.print(text());
  }

  /** Everything written since the test started, or since {@link #reset()}. */
  String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  void reset() {
    bytes.reset();
  }
}
