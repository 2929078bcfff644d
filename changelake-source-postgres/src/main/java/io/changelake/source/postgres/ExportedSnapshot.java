package io.changelake.source.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.replication.ReplicationSlotInfo;

/**
 * A logical replication slot just created with {@code EXPORT_SNAPSHOT}: the database as of the
 * slot's consistent point, which other connections adopt with {@code SET TRANSACTION SNAPSHOT}
 * until this is closed. Streaming the slot afterwards yields exactly the transactions committed
 * after that point.
 */
final class ExportedSnapshot implements AutoCloseable {
  private final Connection connection;
  private final String name;
  private final long consistentLsn;

  private ExportedSnapshot(Connection connection, String name, long consistentLsn) {
    this.connection = connection;
    this.name = name;
    this.consistentLsn = consistentLsn;
  }

  /** Creates slot {@code slotName} (pgoutput), which must not exist, and keeps its snapshot open. */
  static ExportedSnapshot create(PostgresCatalog catalog, String slotName) throws SQLException {
    return create(catalog, slotName, false);
  }

  /**
   * Creates temporary slot {@code slotName} (pgoutput), which must not exist, for its snapshot alone: the
   * server drops the slot when this is closed or the process dies.
   */
  static ExportedSnapshot createTemporary(PostgresCatalog catalog, String slotName) throws SQLException {
    return create(catalog, slotName, true);
  }

  private static ExportedSnapshot create(PostgresCatalog catalog, String slotName, boolean temporary)
      throws SQLException {
    Connection connection = catalog.connectForReplication();
    try {
      var builder = connection.unwrap(PGConnection.class).getReplicationAPI()
          .createReplicationSlot().logical().withSlotName(slotName).withOutputPlugin("pgoutput");
      ReplicationSlotInfo slot = (temporary ? builder.withTemporaryOption() : builder).make();
      if (slot.getSnapshotName() == null) {
        throw new SQLException("PostgreSQL created slot '" + slotName + "' without exporting a snapshot");
      }
      return new ExportedSnapshot(connection, slot.getSnapshotName(), slot.getConsistentPoint().asLong());
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * The same snapshot adopted and exported again by a transaction of a new connection, which holds it until
   * closed: unlike {@code snapshot}'s, it stays usable once {@code snapshot}'s connection runs other commands.
   */
  static ExportedSnapshot heldCopy(PostgresCatalog catalog, ExportedSnapshot snapshot) throws SQLException {
    Connection connection = SnapshotReader.adopt(catalog.connect(), snapshot.name());
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
      rs.next();
      return new ExportedSnapshot(connection, rs.getString(1), snapshot.consistentLsn());
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** The connection that holds the snapshot: it takes other commands once the snapshot's readers adopted it. */
  Connection connection() {
    return connection;
  }

  /** The snapshot's name, for {@code SET TRANSACTION SNAPSHOT}. */
  String name() {
    return name;
  }

  /** The slot's consistent point: the snapshot holds every transaction committed before it. */
  long consistentLsn() {
    return consistentLsn;
  }

  /** Releases the snapshot; the slot stays unless it is temporary. */
  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
