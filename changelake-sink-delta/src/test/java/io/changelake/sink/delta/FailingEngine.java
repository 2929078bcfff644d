package io.changelake.sink.delta;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.ExpressionHandler;
import io.delta.kernel.engine.FileSystemClient;
import io.delta.kernel.engine.JsonHandler;
import io.delta.kernel.engine.ParquetHandler;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.util.Optional;

/** Kernel's default engine whose next commit file write fails on demand. */
final class FailingEngine implements Engine {
  /** How the next commit file write fails. */
  enum Failure { NONE, BEFORE_WRITE, AFTER_WRITE }

  private final Engine delegate = Lake.ENGINE;
  private volatile Failure next = Failure.NONE;

  void failNextCommit(Failure failure) {
    next = failure;
  }

  @Override
  public ExpressionHandler getExpressionHandler() {
    return delegate.getExpressionHandler();
  }

  @Override
  public FileSystemClient getFileSystemClient() {
    return delegate.getFileSystemClient();
  }

  @Override
  public ParquetHandler getParquetHandler() {
    return delegate.getParquetHandler();
  }

  @Override
  public JsonHandler getJsonHandler() {
    JsonHandler json = delegate.getJsonHandler();
    return new JsonHandler() {
      @Override
      public ColumnarBatch parseJson(ColumnVector jsonStringVector, StructType outputSchema,
          Optional<ColumnVector> selectionVector) {
        return json.parseJson(jsonStringVector, outputSchema, selectionVector);
      }

      @Override
      public CloseableIterator<ColumnarBatch> readJsonFiles(CloseableIterator<FileStatus> fileIter,
          StructType physicalSchema, Optional<Predicate> predicate) throws IOException {
        return json.readJsonFiles(fileIter, physicalSchema, predicate);
      }

      @Override
      public void writeJsonFileAtomically(String filePath, CloseableIterator<Row> data, boolean overwrite)
          throws IOException {
        Failure failure = filePath.matches(".*/_delta_log/\\d{20}\\.json") ? next : Failure.NONE;
        next = Failure.NONE;
        if (failure == Failure.BEFORE_WRITE) {
          throw new IOException("injected failure before writing " + filePath);
        }
        json.writeJsonFileAtomically(filePath, data, overwrite);
        if (failure == Failure.AFTER_WRITE) {
          throw new IOException("injected timeout after writing " + filePath);
        }
      }
    };
  }
}
