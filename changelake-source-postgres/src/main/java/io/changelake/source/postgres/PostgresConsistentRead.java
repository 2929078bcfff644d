package io.changelake.source.postgres;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.ConsistentRead;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceTable;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.postgresql.replication.LogSequenceNumber;

/**
 * A table read as of the consistent point X of a temporary slot created for the purpose (the rows through its
 * exported snapshot, held by a transaction of its own). The keys changed between X and a lake position P come from
 * the slots' pending changes, peeked (nothing consumed) with pgoutput: when P is past X, those of the temporary
 * slot up to P; when P is before X and the sync is stopped, those of the pipeline's slot up to X; when P is before
 * X and the sync runs, none once the pipeline's slot has confirmed X (every table then holds every change up to X),
 * the lake being asked to catch up until then.
 */
final class PostgresConsistentRead implements ConsistentRead {
  private final PostgresCatalog catalog;
  private final PostgresSourceConfig config;
  private final SourceTable table;
  private final List<PgType> types;
  private final String slotName;
  private final ExportedSnapshot slot;
  private final ExportedSnapshot held;
  /** The pipeline's slot was seen confirming X while the sync ran: a lake read after that holds every change to X. */
  private boolean confirmedSeen;

  private PostgresConsistentRead(PostgresCatalog catalog, PostgresSourceConfig config, SourceTable table,
      List<PgType> types, String slotName, ExportedSnapshot slot, ExportedSnapshot held) {
    this.catalog = catalog;
    this.config = config;
    this.table = table;
    this.types = List.copyOf(types);
    this.slotName = slotName;
    this.slot = slot;
    this.held = held;
  }

  /** Creates the temporary slot {@code <slot.name>_verify_<pid>} and holds its snapshot. */
  static PostgresConsistentRead open(PostgresCatalog catalog, PostgresSourceConfig config, SourceTable table,
      List<PgType> types) throws SQLException {
    String slotName = config.slotName() + "_verify_" + ProcessHandle.current().pid();
    ExportedSnapshot slot = ExportedSnapshot.createTemporary(catalog, slotName);
    try {
      return new PostgresConsistentRead(catalog, config, table, types, slotName, slot,
          ExportedSnapshot.heldCopy(catalog, slot));
    } catch (SQLException | RuntimeException e) {
      slot.close();
      throw e;
    }
  }

  @Override
  public SourcePosition position() {
    long lsn = slot.consistentLsn();
    return PostgresPosition.snapshotDone(lsn, PostgresPosition.PARTITION, Map.of("lsn", lsn, "snapshot", true));
  }

  @Override
  public SourceTable table() {
    return table;
  }

  @Override
  public Changes changedBetween(SourcePosition lake) {
    PostgresPosition p = (PostgresPosition) lake;
    if (p.inSnapshot()) {
      throw new SourceException("The lake table of " + table.id() + " holds an unfinished initial snapshot ("
          + p.describe() + "). Fix: verify once the sync has copied the table.");
    }
    long x = slot.consistentLsn();
    try {
      if (heldUpTo(p) >= x) {
        return peek(slot.connection(), slotName, peekUpTo(p));
      }
      try (Connection c = catalog.connect()) {
        return behind(c, p, x);
      }
    } catch (SQLException e) {
      throw new SourceException("Reading the changes of " + table.id() + " between the lake (" + p.describe()
          + ") and " + PostgresPosition.formatLsn(x) + " from " + catalog.where() + " failed: " + e.getMessage(), e);
    }
  }

  /** The changes between a lake position {@code p} and X when {@code p} is before X. */
  private Changes behind(Connection c, PostgresPosition p, long x) throws SQLException {
    String sql = "SELECT active_pid, confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = ?";
    Integer pid;
    String confirmed;
    try (var ps = c.prepareStatement(sql)) {
      ps.setString(1, config.slotName());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SourceException("Replication slot '" + config.slotName() + "' does not exist, so the changes of "
              + table.id() + " after the lake table's last commit (" + p.describe() + ") cannot be known. Fix: check"
              + " slot.name in --source-conf; if the slot was lost, reset the table.");
        }
        pid = (Integer) rs.getObject(1);
        confirmed = rs.getString(2);
      }
    }
    if (pid == null) {
      return peek(c, config.slotName(), x + 1);
    }
    if (confirmedSeen) {
      return Changes.of(Set.of());
    }
    confirmedSeen = confirmed != null && LogSequenceNumber.valueOf(confirmed).asLong() >= x;
    return Changes.lakeBehind("the running sync (pid " + pid + ") to commit past " + PostgresPosition.formatLsn(x)
        + "; its slot has confirmed " + confirmed + ", the lake table holds " + p.describe());
  }

  /** The LSN before which every committed transaction is in a lake table at {@code p}. */
  private static long heldUpTo(PostgresPosition p) {
    return p.betweenTransactions() || p.snapshotDone() ? p.lsn() : p.major();
  }

  /**
   * The LSN up to which the changes of a slot starting at X must be read to hold every transaction a lake table at
   * {@code p} holds: just past its end, or past its transaction's commit; null (everything written so far) for a
   * change whose transaction's commit is not known.
   */
  private static Long peekUpTo(PostgresPosition p) {
    if (p.betweenTransactions() || p.snapshotDone()) {
      return p.lsn() + 1;
    }
    return p.ownCommit() != 0 ? p.ownCommit() + 1 : null;
  }

  /**
   * The keys of the table in the changes slot {@code slot} holds, in the transactions whose commit record starts
   * before {@code upTo} (all when null), and possibly a few after.
   */
  private Changes peek(Connection c, String slot, Long upTo) throws SQLException {
    String sql = "SELECT lsn, data FROM pg_logical_slot_peek_binary_changes(" + literal(slot) + ", "
        + (upTo == null ? "NULL" : literal(PostgresPosition.formatLsn(upTo)) + "::pg_lsn")
        + ", NULL, 'proto_version', '1', 'publication_names', "
        + literal(PostgresCatalog.quoteIdent(config.publicationName())) + ", 'binary', 'true')";
    Set<RowKey> keys = new HashSet<>();
    boolean[] truncated = {false};
    PgOutputDecoder decoder = new PgOutputDecoder(Set.of(table.id()), this::described, 0, 0, 0);
    PgOutputDecoder.Receiver receiver = new PgOutputDecoder.Receiver() {
      @Override
      public void change(ChangeEvent event) {
        if (event.operation() == Operation.TRUNCATE) {
          truncated[0] = true;
        }
        for (Row row : new Row[] {event.before(), event.after()}) {
          if (row != null) {
            keys.add(row.key(table.schema()));
          }
        }
      }

      @Override
      public void progress(PostgresPosition position) { }
    };
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        decoder.decode(ByteBuffer.wrap(rs.getBytes(2)), LogSequenceNumber.valueOf(rs.getString(1)).asLong(), receiver);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("Interrupted while reading the changes of " + table.id(), e);
    }
    return truncated[0] ? Changes.everything(table.id() + " was truncated") : Changes.of(keys);
  }

  /** The table's schema and types, for the relation messages of the peeked changes; columns must not have changed. */
  private PgOutputDecoder.Described described(TableId id, List<PgOutputDecoder.RelationColumn> columns) {
    List<String> names = columns.stream().map(PgOutputDecoder.RelationColumn::name).toList();
    if (!names.equals(table.schema().columnNames())) {
      throw new SourceException("The columns of " + id + " changed (now " + names + ", read as "
          + table.schema().columnNames() + "). Fix: verify again once the sync has taken the change.");
    }
    return new PgOutputDecoder.Described(table.schema(), types);
  }

  @Override
  public void rows(Consumer<Row> rows) {
    SnapshotReader reader = new SnapshotReader(catalog, config, List.of(table), Map.of(table.id(), types));
    ChangeListener listener = new ChangeListener() {
      @Override
      public void onChange(ChangeEvent event) {
        rows.accept(event.after());
      }

      @Override
      public void onProgress(SourcePosition position) { }

      @Override
      public void onFailure(Throwable error) {
        throw new SourceException("Reading " + table.id() + " failed: " + error.getMessage(), error);
      }
    };
    try {
      reader.read(held, listener, System.currentTimeMillis());
    } catch (SQLException e) {
      throw new SourceException("Reading " + table.id() + " from " + catalog.where() + " failed: " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("Interrupted while reading " + table.id(), e);
    }
  }

  @Override
  public void close() {
    try (slot; held) {
      // both closed; the server drops the temporary slot with its connection
    } catch (SQLException e) {
      throw new SourceException("Releasing the snapshot of " + table.id() + " failed: " + e.getMessage(), e);
    }
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
