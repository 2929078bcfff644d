package io.changelake.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlHint;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.SqlTableRef;
import org.apache.calcite.sql.SqlTimestampLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.TimestampString;

/**
 * Turns time travel into table names: {@code t FOR SYSTEM_TIME AS OF TIMESTAMP '...'} and Paimon's
 * {@code t /*+ OPTIONS('scan.snapshot-id'='N') *}{@code /} (or {@code 'scan.timestamp-millis'}) become {@code t}'s
 * versioned name (see {@link TableName}), aliased as {@code t} so the rest of the query reads as written.
 */
final class VersionRewriter extends SqlShuttle {
  static final String SNAPSHOT_ID = "scan.snapshot-id";
  static final String TIMESTAMP_MILLIS = "scan.timestamp-millis";

  private final Consumer<String> versionNames;

  /** A rewriter that tells {@code versionNames} each versioned name it writes. */
  VersionRewriter(Consumer<String> versionNames) {
    this.versionNames = versionNames;
  }

  @Override
  public SqlNode visit(SqlCall call) {
    if (call.getKind() == SqlKind.AS && isVersioned(call.operand(0))) {
      List<SqlNode> operands = new ArrayList<>(call.getOperandList());
      operands.set(0, resolve(call.operand(0)));
      return SqlStdOperatorTable.AS.createCall(call.getParserPosition(), operands);
    }
    if (isVersioned(call)) {
      SqlIdentifier versioned = resolve(call);
      SqlIdentifier alias = new SqlIdentifier(last(table(call)), SqlParserPos.ZERO);
      return SqlStdOperatorTable.AS.createCall(call.getParserPosition(), versioned, alias);
    }
    return super.visit(call);
  }

  private static boolean isVersioned(SqlNode node) {
    return node instanceof SqlSnapshot || node instanceof SqlTableRef;
  }

  private static SqlIdentifier table(SqlNode node) {
    if (node instanceof SqlSnapshot snapshot) {
      return table(snapshot.getTableRef());
    }
    if (node instanceof SqlTableRef ref) {
      return ref.tableName;
    }
    if (node instanceof SqlIdentifier id) {
      return id;
    }
    throw new IllegalArgumentException("FOR SYSTEM_TIME AS OF applies to a table name, not to " + node);
  }

  private static String last(SqlIdentifier id) {
    return id.names.get(id.names.size() - 1);
  }

  /** The versioned name of a time-travelling table reference (the plain name when it names no version). */
  private SqlIdentifier resolve(SqlNode node) {
    SqlIdentifier id = table(node);
    String version = null;
    if (node instanceof SqlSnapshot snapshot) {
      version = TableName.versioned(last(id), time(snapshot.getPeriod()));
      node = snapshot.getTableRef();
    }
    if (node instanceof SqlTableRef ref) {
      for (SqlNode hint : ref.hints) {
        String option = option((SqlHint) hint);
        if (option != null) {
          if (version != null) {
            throw new IllegalArgumentException("Table " + id + " names its version twice: use FOR SYSTEM_TIME AS OF"
                + " or OPTIONS('" + SNAPSHOT_ID + "'), not both.");
          }
          version = option(last(id), (SqlHint) hint);
        }
      }
    }
    if (version == null) {
      return id;
    }
    versionNames.accept(version);
    return id.setName(id.names.size() - 1, version);
  }

  private static String option(SqlHint hint) {
    if (!hint.getName().equalsIgnoreCase("OPTIONS")) {
      throw new IllegalArgumentException("Unknown table hint " + hint.getName() + ": only OPTIONS('" + SNAPSHOT_ID
          + "'='N') and OPTIONS('" + TIMESTAMP_MILLIS + "'='MS') are supported.");
    }
    Map<String, String> options = hint.getOptionKVPairs();
    for (String key : options.keySet()) {
      if (!key.equals(SNAPSHOT_ID) && !key.equals(TIMESTAMP_MILLIS)) {
        throw new IllegalArgumentException("Unsupported table option '" + key + "': only '" + SNAPSHOT_ID + "' and '"
            + TIMESTAMP_MILLIS + "' are supported.");
      }
    }
    return options.isEmpty() ? null : options.keySet().iterator().next();
  }

  private static String option(String table, SqlHint hint) {
    Map<String, String> options = hint.getOptionKVPairs();
    if (options.size() > 1) {
      throw new IllegalArgumentException("Give one of '" + SNAPSHOT_ID + "' and '" + TIMESTAMP_MILLIS + "', not both.");
    }
    String key = options.keySet().iterator().next();
    String value = options.get(key);
    try {
      long number = Long.parseLong(value.trim());
      return key.equals(SNAPSHOT_ID) ? TableName.versioned(table, number)
          : TableName.versioned(table, Instant.ofEpochMilli(number));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + key + "'='" + value + "' is not a number.");
    }
  }

  private static Instant time(SqlNode period) {
    if (period instanceof SqlUnknownLiteral literal && literal.tag.equalsIgnoreCase("TIMESTAMP")) {
      return TimeTravel.parseTime(literal.getValue());
    }
    if (period instanceof SqlTimestampLiteral timestamp) {
      return TimeTravel.parseTime(timestamp.getValueAs(TimestampString.class).toString());
    }
    if (period instanceof SqlCharStringLiteral text) {
      return TimeTravel.parseTime(text.getValueAs(String.class));
    }
    throw new IllegalArgumentException("FOR SYSTEM_TIME AS OF takes a time literal, e.g. TIMESTAMP '2026-11-23"
        + " 10:15:00' or '2026-11-23T10:15:00Z', not " + period);
  }
}
