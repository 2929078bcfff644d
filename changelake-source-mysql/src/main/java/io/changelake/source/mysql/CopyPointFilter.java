package io.changelake.source.mysql;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.source.TableCopy;
import io.changelake.api.spi.ChangeListener;

/**
 * Stands between the binlog and the listener while tables are copied alone: the copy's snapshot holds every
 * event group that starts before its binlog position ({@link TableCopy#point()}, a {@linkplain
 * MysqlPosition#between between-groups} position), so the copied tables' changes before it are dropped and
 * those after it pass; the first change or progress at or after the point tells the copy the stream passed it.
 * Called from the binlog's thread only.
 */
final class CopyPointFilter implements ChangeListener {
  private final TableCopy<MysqlPosition> copy;
  private final ChangeListener next;
  private boolean passed;

  /**
   * @param from where the stream starts: a stream starting at or after the point has passed it already
   * @param next the listener the stream and the copy share
   */
  CopyPointFilter(TableCopy<MysqlPosition> copy, MysqlPosition from, ChangeListener next)
      throws InterruptedException {
    this.copy = copy;
    this.next = next;
    passIfAtOrAfter(MysqlPosition.between(from.file(), from.offset()));
  }

  @Override
  public void onChange(ChangeEvent event) throws InterruptedException {
    if (!passed && event.position().compareTo(copy.point()) < 0 && copy.tables().contains(event.table())) {
      return;
    }
    passIfAtOrAfter(event.position());
    next.onChange(event);
  }

  @Override
  public void onProgress(SourcePosition position) throws InterruptedException {
    next.onProgress(position);
    passIfAtOrAfter(position);
  }

  @Override
  public void onTableCopied(TableId table, SourcePosition position) throws InterruptedException {
    next.onTableCopied(table, position);
  }

  @Override
  public void onFailure(Throwable error) {
    next.onFailure(error);
  }

  private void passIfAtOrAfter(SourcePosition position) throws InterruptedException {
    if (!passed && position.compareTo(copy.point()) >= 0) {
      passed = true;
      copy.pointPassed(copy.point());
    }
  }
}
