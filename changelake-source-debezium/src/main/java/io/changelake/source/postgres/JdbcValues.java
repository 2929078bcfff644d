package io.changelake.source.postgres;

import io.changelake.core.model.Column;
import io.changelake.core.model.DataType;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a column of a JDBC result set as the value the {@link DataType} contract wants: the same
 * value {@link PostgresRecordDecoder} gives for that column when it is streamed. Only for the source
 * types in {@link #SUPPORTED}, whose text form PostgreSQL hands to a query and to pgoutput alike. A
 * numeric NaN in a DECIMAL column reads as {@link PostgresRecordDecoder#NAN_DECIMAL}.
 */
final class JdbcValues {
  /** Source types read here; a table with any other type is snapshotted through Debezium. */
  static final Set<String> SUPPORTED = Set.of("bool", "int2", "int4", "int8", "float4", "float8", "numeric",
      "text", "varchar", "bpchar", "json", "jsonb", "date", "time", "timestamp", "timestamptz", "uuid", "bytea");

  /** Reads one column; null for SQL NULL. */
  @FunctionalInterface
  interface Reader {
    Object read(ResultSet rs, int index) throws SQLException;
  }

  private JdbcValues() { }

  static boolean supports(Column column) {
    return SUPPORTED.contains(column.sourceType());
  }

  /** The reader for {@code column}, which {@link #supports} must accept. */
  static Reader reader(Column column) {
    if (!supports(column)) {
      throw new IllegalArgumentException("No JDBC reader for " + column.sourceType() + " column " + column.name());
    }
    DataType type = column.type();
    String sourceType = column.sourceType();
    return switch (type.kind()) {
      case BOOLEAN -> (rs, i) -> nullable(rs, rs.getBoolean(i));
      case INT -> (rs, i) -> nullable(rs, rs.getInt(i));
      case LONG -> (rs, i) -> nullable(rs, rs.getLong(i));
      case FLOAT -> (rs, i) -> nullable(rs, rs.getFloat(i));
      case DOUBLE -> (rs, i) -> nullable(rs, rs.getDouble(i));
      case DECIMAL -> {
        int scale = ((DataType.Decimal) type).scale();
        yield (rs, i) -> {
          String text = rs.getString(i);
          return text == null ? null : PostgresRecordDecoder.decimal(text, scale);
        };
      }
      case STRING -> (rs, i) -> {
        String text = rs.getString(i);
        return text == null ? null : PostgresRecordDecoder.string(text, sourceType);
      };
      case DATE -> (rs, i) -> rs.getObject(i, LocalDate.class);
      case TIME -> (rs, i) -> {
        LocalTime time = rs.getObject(i, LocalTime.class);
        return LocalTime.MAX.equals(time) ? PostgresRecordDecoder.END_OF_DAY : time;
      };
      case TIMESTAMP -> (rs, i) -> rs.getObject(i, LocalDateTime.class);
      case TIMESTAMPTZ -> (rs, i) -> {
        OffsetDateTime time = rs.getObject(i, OffsetDateTime.class);
        return time == null ? null : time.withOffsetSameInstant(ZoneOffset.UTC);
      };
      case UUID -> (rs, i) -> rs.getObject(i, UUID.class);
      case BINARY -> (rs, i) -> {
        byte[] bytes = rs.getBytes(i);
        return bytes == null ? null : ByteBuffer.wrap(bytes).asReadOnlyBuffer();
      };
      case LIST -> throw new IllegalArgumentException("No JDBC reader for arrays (" + sourceType + ")");
    };
  }

  private static Object nullable(ResultSet rs, Object value) throws SQLException {
    return rs.wasNull() ? null : value;
  }
}
