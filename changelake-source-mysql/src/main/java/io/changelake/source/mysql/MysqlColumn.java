package io.changelake.source.mysql;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * One column of a captured table: its MySQL type, the lake column it becomes, and how its values decode
 * from a JDBC result (snapshot) and from a binlog row (stream), so that both give the same value.
 *
 * <p>Built from {@code information_schema.COLUMNS} ({@link #fromCatalog}) or from a binlog TABLE_MAP event
 * with {@code binlog_row_metadata=FULL} ({@link #fromTableMap}); both give equal {@link #column()}s for
 * the same column. Lake types:
 * <table>
 *   <caption>MySQL / MariaDB type to lake type</caption>
 *   <tr><td>TINYINT, SMALLINT, MEDIUMINT (signed or not), INT, YEAR</td><td>int</td></tr>
 *   <tr><td>INT UNSIGNED, BIGINT</td><td>long</td></tr>
 *   <tr><td>BIGINT UNSIGNED</td><td>decimal(20,0)</td></tr>
 *   <tr><td>DECIMAL(p,s), p &lt;= 38</td><td>decimal(p,s)</td></tr>
 *   <tr><td>DECIMAL(p,s), p &gt; 38</td><td>string, the exact value with s decimals</td></tr>
 *   <tr><td>FLOAT / DOUBLE</td><td>float / double</td></tr>
 *   <tr><td>BIT(1) / BIT(n)</td><td>boolean / long (the bits as an unsigned number)</td></tr>
 *   <tr><td>DATE, DATETIME(n)</td><td>date, timestamp; a zero date (0000-00-00, or month or day 0) is null</td></tr>
 *   <tr><td>TIMESTAMP(n)</td><td>timestamptz (UTC); the zero timestamp is null</td></tr>
 *   <tr><td>TIME(n)</td><td>long: signed microseconds (-838:59:59 to 838:59:59)</td></tr>
 *   <tr><td>CHAR, VARCHAR, TEXT, ENUM, SET, JSON</td><td>string (SET: members joined by commas)</td></tr>
 *   <tr><td>BINARY, VARBINARY, BLOB</td><td>binary</td></tr>
 *   <tr><td>GEOMETRY, POINT, ... (spatial)</td><td>binary: WKB, without MySQL's 4-byte SRID prefix</td></tr>
 * </table>
 */
final class MysqlColumn {
  private static final int SRID_BYTES = 4;
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  /** How values of a column decode. */
  enum Kind {
    TINYINT(1), SMALLINT(2), MEDIUMINT(3), INT(4), BIGINT(8), DECIMAL(0), FLOAT(0), DOUBLE(0), BIT(0), DATE(0),
    DATETIME(0), TIMESTAMP(0), TIME(0), YEAR(0), TEXT(0), BINARY(0), ENUM(0), SET(0), JSON(0), GEOMETRY(0);

    /** Bytes of an integer kind, 0 otherwise. */
    final int intBytes;

    Kind(int intBytes) {
      this.intBytes = intBytes;
    }
  }

  private final Kind kind;
  private final boolean unsigned;
  private final int precision;
  private final int scale;
  /** BIT: the number of bits; BINARY(n): n; otherwise 0. */
  private final int length;
  private final Charset charset;
  private final List<String> members;
  private final Column column;

  private MysqlColumn(String name, String sqlType, Kind kind, boolean unsigned, int precision, int scale, int length,
      Charset charset, List<String> members, boolean nullable) {
    this.kind = kind;
    this.unsigned = unsigned;
    this.precision = precision;
    this.scale = scale;
    this.length = length;
    this.charset = charset;
    this.members = members == null ? List.of() : List.copyOf(members);
    String source = kind == Kind.DECIMAL ? "decimal(" + precision + "," + scale + ")"
        : unsigned && kind.intBytes > 0 ? sqlType + " unsigned" : sqlType;
    this.column = new Column(name, lakeType(), nullable, source);
  }

  /**
   * A column as {@code information_schema.COLUMNS} describes it.
   *
   * @param dataType DATA_TYPE, e.g. {@code varchar}
   * @param columnType COLUMN_TYPE, e.g. {@code int(10) unsigned}, {@code enum('a','b')}
   * @throws IllegalArgumentException for a type changelake does not read, naming it
   */
  static MysqlColumn fromCatalog(String name, String dataType, String columnType, boolean nullable, int precision,
      int scale, long charLength) {
    String type = dataType.toLowerCase(Locale.ROOT);
    boolean unsigned = columnType.toLowerCase(Locale.ROOT).contains("unsigned");
    return switch (type) {
      case "tinyint", "smallint", "mediumint", "int", "bigint" -> new MysqlColumn(name, type,
          Kind.valueOf(type.toUpperCase(Locale.ROOT)), unsigned, 0, 0, 0, null, null, nullable);
      case "integer" -> new MysqlColumn(name, "int", Kind.INT, unsigned, 0, 0, 0, null, null, nullable);
      case "decimal", "numeric" -> new MysqlColumn(name, "decimal", Kind.DECIMAL, unsigned, precision, scale, 0, null,
          null, nullable);
      case "float" -> simple(name, type, Kind.FLOAT, nullable);
      case "double", "real", "double precision" -> simple(name, "double", Kind.DOUBLE, nullable);
      case "bit" -> new MysqlColumn(name, type, Kind.BIT, false, 0, 0, precision, null, null, nullable);
      case "date" -> simple(name, type, Kind.DATE, nullable);
      case "datetime" -> simple(name, type, Kind.DATETIME, nullable);
      case "timestamp" -> simple(name, type, Kind.TIMESTAMP, nullable);
      case "time" -> simple(name, type, Kind.TIME, nullable);
      case "year" -> simple(name, type, Kind.YEAR, nullable);
      case "char", "varchar", "tinytext", "text", "mediumtext", "longtext" ->
          new MysqlColumn(name, type, Kind.TEXT, false, 0, 0, 0, StandardCharsets.UTF_8, null, nullable);
      case "binary" -> new MysqlColumn(name, type, Kind.BINARY, false, 0, 0, (int) charLength, null, null, nullable);
      case "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> simple(name, type, Kind.BINARY, nullable);
      case "enum" -> new MysqlColumn(name, type, Kind.ENUM, false, 0, 0, 0, null, members(columnType), nullable);
      case "set" -> new MysqlColumn(name, type, Kind.SET, false, 0, 0, 0, null, members(columnType), nullable);
      case "json" -> simple(name, type, Kind.JSON, nullable);
      case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
          "geometrycollection", "geomcollection" -> simple(name, type, Kind.GEOMETRY, nullable);
      default -> throw new IllegalArgumentException("type " + columnType + " of column " + name
          + " is not one changelake reads");
    };
  }

  private static MysqlColumn simple(String name, String sqlType, Kind kind, boolean nullable) {
    return new MysqlColumn(name, sqlType, kind, false, 0, 0, 0, null, null, nullable);
  }

  /** The members of {@code enum('a','b')} or {@code set(...)}, quotes removed. */
  static List<String> members(String columnType) {
    String inner = columnType.substring(columnType.indexOf('(') + 1, columnType.lastIndexOf(')'));
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\'') {
        if (quoted && i + 1 < inner.length() && inner.charAt(i + 1) == '\'') {
          current.append('\'');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        result.add(current.toString());
        current.setLength(0);
      } else if (c == '\\' && quoted && i + 1 < inner.length()) {
        current.append(inner.charAt(++i));
      } else {
        current.append(c);
      }
    }
    result.add(current.toString());
    return result;
  }

  /**
   * A column as a TABLE_MAP event describes it.
   *
   * @param typeCode the binlog column type, the real type of ENUM and SET already taken from the metadata
   * @param meta the binlog column metadata
   * @param charset the column's character set; null for binary strings
   * @param members ENUM or SET members, else null
   * @param geometry spatial subtype (0 geometry, 1 point, ...), else -1
   */
  static MysqlColumn fromTableMap(String name, int typeCode, int meta, boolean unsigned, boolean nullable,
      Charset charset, List<String> members, int geometry) {
    return switch (typeCode) {
      case 1 -> new MysqlColumn(name, "tinyint", Kind.TINYINT, unsigned, 0, 0, 0, null, null, nullable);
      case 2 -> new MysqlColumn(name, "smallint", Kind.SMALLINT, unsigned, 0, 0, 0, null, null, nullable);
      case 9 -> new MysqlColumn(name, "mediumint", Kind.MEDIUMINT, unsigned, 0, 0, 0, null, null, nullable);
      case 3 -> new MysqlColumn(name, "int", Kind.INT, unsigned, 0, 0, 0, null, null, nullable);
      case 8 -> new MysqlColumn(name, "bigint", Kind.BIGINT, unsigned, 0, 0, 0, null, null, nullable);
      case 246 -> new MysqlColumn(name, "decimal", Kind.DECIMAL, unsigned, meta & 0xFF, meta >> 8, 0, null, null,
          nullable);
      case 4 -> simple(name, "float", Kind.FLOAT, nullable);
      case 5 -> simple(name, "double", Kind.DOUBLE, nullable);
      case 16 -> new MysqlColumn(name, "bit", Kind.BIT, false, 0, 0, (meta >> 8) * 8 + (meta & 0xFF), null, null,
          nullable);
      case 10, 14 -> simple(name, "date", Kind.DATE, nullable);
      case 12, 18 -> simple(name, "datetime", Kind.DATETIME, nullable);
      case 7, 17 -> simple(name, "timestamp", Kind.TIMESTAMP, nullable);
      case 11, 19 -> simple(name, "time", Kind.TIME, nullable);
      case 13 -> simple(name, "year", Kind.YEAR, nullable);
      case 247 -> new MysqlColumn(name, "enum", Kind.ENUM, false, 0, 0, 0, null, members, nullable);
      case 248 -> new MysqlColumn(name, "set", Kind.SET, false, 0, 0, 0, null, members, nullable);
      case 254 -> charset == null
          ? new MysqlColumn(name, "binary", Kind.BINARY, false, 0, 0, fixedLength(meta), null, null, nullable)
          : new MysqlColumn(name, "char", Kind.TEXT, false, 0, 0, 0, charset, null, nullable);
      case 15, 253 -> charset == null ? simple(name, "varbinary", Kind.BINARY, nullable)
          : new MysqlColumn(name, "varchar", Kind.TEXT, false, 0, 0, 0, charset, null, nullable);
      case 252 -> {
        String size = switch (meta) {
          case 1 -> "tiny";
          case 3 -> "medium";
          case 4 -> "long";
          default -> "";
        };
        yield charset == null ? simple(name, size + "blob", Kind.BINARY, nullable)
            : new MysqlColumn(name, size + "text", Kind.TEXT, false, 0, 0, 0, charset, null, nullable);
      }
      case 245 -> simple(name, "json", Kind.JSON, nullable);
      case 255 -> simple(name, GEOMETRY_NAMES[geometry >= 0 && geometry < GEOMETRY_NAMES.length ? geometry : 0],
          Kind.GEOMETRY, nullable);
      default -> throw new IllegalArgumentException("binlog type " + typeCode + " of column " + name
          + " is not one changelake reads");
    };
  }

  private static final String[] GEOMETRY_NAMES = {
      "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
      "geometrycollection"};

  /** The byte length of a fixed-length string column from its TABLE_MAP metadata. */
  private static int fixedLength(int meta) {
    int meta0 = meta >> 8;
    int meta1 = meta & 0xFF;
    return meta >= 256 && (meta0 & 0x30) != 0x30 ? meta1 | (((meta0 & 0x30) ^ 0x30) << 4) : meta1;
  }

  private DataType lakeType() {
    return switch (kind) {
      case TINYINT, SMALLINT, MEDIUMINT, YEAR -> DataType.INT;
      case INT -> unsigned ? DataType.LONG : DataType.INT;
      case BIGINT -> unsigned ? DataType.decimal(20, 0) : DataType.LONG;
      case DECIMAL -> precision <= DataType.MAX_DECIMAL_PRECISION ? DataType.decimal(precision, scale)
          : DataType.STRING;
      case FLOAT -> DataType.FLOAT;
      case DOUBLE -> DataType.DOUBLE;
      case BIT -> length == 1 ? DataType.BOOLEAN : DataType.LONG;
      case DATE -> DataType.DATE;
      case DATETIME -> DataType.TIMESTAMP;
      case TIMESTAMP -> DataType.TIMESTAMPTZ;
      case TIME -> DataType.LONG;
      case TEXT, ENUM, SET, JSON -> DataType.STRING;
      case BINARY, GEOMETRY -> DataType.BINARY;
    };
  }

  Column column() {
    return column;
  }

  Kind kind() {
    return kind;
  }

  /** Whether this column's values are whole numbers that a snapshot can split into ranges. */
  boolean isInteger() {
    return kind.intBytes > 0;
  }

  /**
   * Whether a snapshot can split a table at values of this key column: the server orders and compares them
   * the same way (not BIT, ENUM and SET, which sort by number but compare as text, nor TEXT and BLOB types,
   * which sort by their first {@code max_sort_length} bytes only).
   */
  boolean splitsByKey() {
    String type = column.sourceType();
    return switch (kind) {
      case BIT, ENUM, SET, JSON, GEOMETRY -> false;
      case TEXT, BINARY -> !type.endsWith("text") && !type.endsWith("blob");
      default -> true;
    };
  }

  /**
   * The select-list expression that reads a key value to bind again as a chunk bound ({@link #keyValue}):
   * dates, times and years as text, which the server converts back to the column's type when comparing.
   */
  String keyExpression() {
    return kind == Kind.YEAR ? "CAST(" + MysqlCatalog.quote(column.name()) + " AS CHAR)" : selectExpression();
  }

  /** The key value in the current row of {@code rs}, read with {@link #keyExpression}, ready to bind. */
  Object keyValue(ResultSet rs, int index) throws SQLException {
    return switch (kind) {
      case TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT, DECIMAL -> rs.getBigDecimal(index);
      case FLOAT, DOUBLE -> rs.getDouble(index);
      case BINARY -> rs.getBytes(index);
      default -> rs.getString(index);
    };
  }

  /**
   * The select-list expression that reads this column: its quoted name, or its text for dates and times
   * (the driver cannot hold zero dates in its binary values).
   */
  String selectExpression() {
    String name = MysqlCatalog.quote(column.name());
    return switch (kind) {
      case DATE, DATETIME, TIMESTAMP, TIME -> "CAST(" + name + " AS CHAR)";
      default -> name;
    };
  }

  /** This column's value in the current row of {@code rs} (read with the binary protocol). */
  Object fromJdbc(ResultSet rs, int index) throws SQLException {
    Object value = switch (kind) {
      case TINYINT, SMALLINT, MEDIUMINT, YEAR -> rs.getInt(index);
      case INT -> unsigned ? (Object) rs.getLong(index) : (Object) rs.getInt(index);
      case BIGINT -> unsigned ? unsignedLong(rs.getString(index)) : (Object) rs.getLong(index);
      case DECIMAL -> decimal(rs.getBigDecimal(index));
      case FLOAT -> rs.getFloat(index);
      case DOUBLE -> rs.getDouble(index);
      case BIT -> bits(rs.getBytes(index));
      case DATE -> Temporals.date(rs.getString(index));
      case DATETIME -> Temporals.dateTime(rs.getString(index));
      case TIMESTAMP -> Temporals.instant(rs.getString(index));
      case TIME -> Temporals.timeMicros(rs.getString(index));
      case TEXT, ENUM, SET, JSON -> rs.getString(index);
      case BINARY -> bytes(rs.getBytes(index));
      case GEOMETRY -> wkb(rs.getBytes(index));
    };
    return rs.wasNull() ? null : value;
  }

  /** This column's value from a binlog row, as {@link BinlogRows} decodes it. */
  Object fromBinlog(Object value) {
    if (value == null) {
      return null;
    }
    return switch (kind) {
      case TINYINT, SMALLINT, MEDIUMINT -> unsigned ? ((Integer) value) & (int) ((1L << (8 * kind.intBytes)) - 1)
          : value;
      case INT -> unsigned ? ((Integer) value) & 0xFFFFFFFFL : value;
      case BIGINT -> unsigned ? unsignedLong((Long) value) : value;
      case DECIMAL -> decimal((BigDecimal) value);
      case BIT -> bits((BitSet) value);
      case TEXT -> new String((byte[]) value, charset);
      case ENUM -> {
        int index = (Integer) value;
        yield index == 0 || index > members.size() ? "" : members.get(index - 1);
      }
      case SET -> set((Long) value);
      case JSON -> json((byte[]) value);
      case BINARY -> bytes((byte[]) value);
      case GEOMETRY -> wkb((byte[]) value);
      default -> value;
    };
  }

  private Object decimal(BigDecimal value) {
    if (value == null) {
      return null;
    }
    BigDecimal exact = value.setScale(scale);
    return precision <= DataType.MAX_DECIMAL_PRECISION ? exact : exact.toPlainString();
  }

  private static BigDecimal unsignedLong(String text) {
    return text == null ? null : new BigDecimal(text);
  }

  private static BigDecimal unsignedLong(long value) {
    BigInteger big = BigInteger.valueOf(value);
    return new BigDecimal(value < 0 ? big.add(TWO_TO_64) : big);
  }

  private Object bits(byte[] bigEndian) {
    if (bigEndian == null) {
      return null;
    }
    long bits = 0;
    for (byte b : bigEndian) {
      bits = (bits << 8) | (b & 0xFF);
    }
    return length == 1 ? (Object) (bits != 0) : (Object) bits;
  }

  private Object bits(BitSet set) {
    long[] words = set.toLongArray();
    long bits = words.length == 0 ? 0 : words[0];
    return length == 1 ? (Object) (bits != 0) : (Object) bits;
  }

  private String set(long mask) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < members.size(); i++) {
      if ((mask & (1L << i)) != 0) {
        text.append(text.length() == 0 ? "" : ",").append(members.get(i));
      }
    }
    return text.toString();
  }

  private static String json(byte[] binary) {
    return MysqlJsonText.of(binary);
  }


  /** BINARY(n) values padded with zero bytes to n, as the server returns them (the binlog strips the padding). */
  private ByteBuffer bytes(byte[] value) {
    if (value == null) {
      return null;
    }
    return ByteBuffer.wrap(length > value.length ? Arrays.copyOf(value, length) : value);
  }

  private static ByteBuffer wkb(byte[] stored) {
    return stored == null ? null : ByteBuffer.wrap(Arrays.copyOfRange(stored, SRID_BYTES, stored.length));
  }

  @Override
  public String toString() {
    return column.name() + " " + column.sourceType();
  }
}
