package io.changelake.sink.delta;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.defaults.engine.fileio.PositionOutputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.util.Optional;

/**
 * Kernel's file access with one addition: every Parquet data file it writes says, in its footer,
 * that its dates and timestamps are proleptic Gregorian (see {@link CalendarFooterStream}).
 *
 * <p>Why: Spark reads Delta data files with its own Parquet reader, which decides how to read
 * dates before 1582-10-15 and timestamps before 1900 from the footer's key-value metadata
 * ({@code DataSourceUtils.datetimeRebaseSpec}): a file with {@code org.apache.spark.version} of
 * 3.0.0 or later and without {@code org.apache.spark.legacyDateTime} is read as written
 * (CORRECTED); a file without the version falls back to {@code
 * spark.sql.parquet.datetimeRebaseModeInRead}, whose default EXCEPTION aborts the query with
 * {@code INCONSISTENT_BEHAVIOR_CROSS_VERSION.READ_ANCIENT_DATETIME} on the first such value. Kernel's
 * writer adds no such key and takes no extra metadata, so the footer is stamped on its way out.
 */
final class CalendarFileIO implements FileIO {
  private final FileIO delegate;

  CalendarFileIO(FileIO delegate) {
    this.delegate = delegate;
  }

  @Override
  public OutputFile newOutputFile(String path) {
    OutputFile file = delegate.newOutputFile(path);
    if (!path.endsWith(".parquet")) {
      return file;
    }
    return new OutputFile() {
      @Override
      public String path() {
        return file.path();
      }

      @Override
      public PositionOutputStream create(boolean putIfAbsent) throws IOException {
        return new CalendarFooterStream(file.create(putIfAbsent), path);
      }

      @Override
      public void writeAtomically(CloseableIterator<String> data, boolean overwrite) throws IOException {
        file.writeAtomically(data, overwrite);
      }
    };
  }

  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    return delegate.listFrom(filePath);
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    return delegate.getFileStatus(path);
  }

  @Override
  public String resolvePath(String path) throws IOException {
    return delegate.resolvePath(path);
  }

  @Override
  public boolean mkdirs(String path) throws IOException {
    return delegate.mkdirs(path);
  }

  @Override
  public InputFile newInputFile(String path, long fileSize) {
    return delegate.newInputFile(path, fileSize);
  }

  @Override
  public boolean delete(String path) throws IOException {
    return delegate.delete(path);
  }

  @Override
  public Optional<String> getConf(String confKey) {
    return delegate.getConf(confKey);
  }

  @Override
  public void copyFileAtomically(String srcPath, String destPath, boolean overwrite) throws IOException {
    delegate.copyFileAtomically(srcPath, destPath, overwrite);
  }
}
