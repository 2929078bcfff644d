package io.changelake.sink.iceberg;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/** A directory catalog whose snapshot commits fail on demand (catalog-impl in tests). */
public class FailingCatalog extends HadoopCatalog {
  /** How the next commits fail. */
  enum Failure { NONE, CONFLICT, UNKNOWN, UNKNOWN_AFTER_COMMIT }

  static volatile Failure failure = Failure.NONE;
  /** How many commits fail before they succeed again. */
  static final AtomicInteger remaining = new AtomicInteger();

  static void failNext(Failure kind, int times) {
    failure = kind;
    remaining.set(times);
  }

  public FailingCatalog() { }

  @Override
  protected TableOperations newTableOps(TableIdentifier identifier) {
    TableOperations delegate = super.newTableOps(identifier);
    return new TableOperations() {
      @Override
      public TableMetadata current() {
        return delegate.current();
      }

      @Override
      public TableMetadata refresh() {
        return delegate.refresh();
      }

      @Override
      public void commit(TableMetadata base, TableMetadata metadata) {
        boolean addsSnapshot = base != null && metadata.currentSnapshot() != null
            && (base.currentSnapshot() == null
                || base.currentSnapshot().snapshotId() != metadata.currentSnapshot().snapshotId());
        if (addsSnapshot && failure != Failure.NONE && remaining.getAndDecrement() > 0) {
          switch (failure) {
            case CONFLICT -> throw new CommitFailedException("injected conflict");
            case UNKNOWN -> throw new CommitStateUnknownException(new RuntimeException("injected timeout"));
            case UNKNOWN_AFTER_COMMIT -> {
              delegate.commit(base, metadata);
              throw new CommitStateUnknownException(new RuntimeException("injected timeout after commit"));
            }
            default -> { }
          }
        }
        delegate.commit(base, metadata);
      }

      @Override
      public FileIO io() {
        return delegate.io();
      }

      @Override
      public EncryptionManager encryption() {
        return delegate.encryption();
      }

      @Override
      public String metadataFileLocation(String fileName) {
        return delegate.metadataFileLocation(fileName);
      }

      @Override
      public LocationProvider locationProvider() {
        return delegate.locationProvider();
      }

      @Override
      public long newSnapshotId() {
        return delegate.newSnapshotId();
      }
    };
  }
}
