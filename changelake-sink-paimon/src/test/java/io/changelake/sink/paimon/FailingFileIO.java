package io.changelake.sink.paimon;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.paimon.fs.FileIO;
import org.apache.paimon.fs.FileIOLoader;
import org.apache.paimon.fs.Path;
import org.apache.paimon.fs.local.LocalFileIO;

/** Local files under the {@code failing:} scheme whose snapshot writes fail on demand. */
public class FailingFileIO extends LocalFileIO {
  private static final long serialVersionUID = 1L;

  /** How the next snapshot writes fail. */
  enum Failure { NONE, BEFORE_WRITE, AFTER_WRITE }

  static volatile Failure failure = Failure.NONE;
  /** How many snapshot writes fail before they succeed again. */
  static final AtomicInteger remaining = new AtomicInteger();

  static void failNext(Failure kind, int times) {
    failure = kind;
    remaining.set(times);
  }

  @Override
  public boolean tryToWriteAtomic(Path path, String content) throws IOException {
    boolean snapshot = path.getName().startsWith("snapshot-");
    if (snapshot && failure != Failure.NONE && remaining.getAndDecrement() > 0) {
      if (failure == Failure.AFTER_WRITE) {
        super.tryToWriteAtomic(path, content);
      }
      throw new IOException("injected failure writing " + path.getName());
    }
    return super.tryToWriteAtomic(path, content);
  }

  /** Registered through META-INF/services. */
  public static class Loader implements FileIOLoader {
    private static final long serialVersionUID = 1L;

    @Override
    public String getScheme() {
      return "failing";
    }

    @Override
    public FileIO load(Path path) {
      return new FailingFileIO();
    }
  }
}
