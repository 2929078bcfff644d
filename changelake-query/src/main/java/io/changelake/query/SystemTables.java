package io.changelake.query;

import io.changelake.api.model.Column;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableFile;
import io.changelake.api.spi.TableSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/** The metadata tables of a lake table, as in Paimon: {@code t$snapshots}, {@code t$schemas} and {@code t$files}. */
final class SystemTables {
  static final Set<String> NAMES = Set.of("snapshots", "schemas", "files");

  /** Quoted text, comments, or an unquoted system table name (group 1). */
  private static final Pattern UNQUOTED_NAME = Pattern.compile(
      "'(?:[^']|'')*'|`[^`]*`|\"[^\"]*\"|--[^\n]*|/\\*.*?\\*/|\\b([A-Za-z_][A-Za-z0-9_]*\\$(?i:snapshots|schemas|files))\\b",
      Pattern.DOTALL);

  private SystemTables() { }

  /**
   * {@code sql} with unquoted system table names quoted ({@code db.t$snapshots} becomes {@code db.`t$snapshots`}):
   * Calcite's parser reads a qualified name with a {@code $} as one token.
   */
  static String quoteNames(String sql) {
    return UNQUOTED_NAME.matcher(sql).replaceAll(m -> Matcher.quoteReplacement(
        m.group(1) == null ? m.group() : "`" + m.group(1) + "`"));
  }

  static Table of(String name, SinkTable table) {
    return switch (name) {
      case "snapshots" -> new Listed(SystemTables::snapshotsType, () -> snapshots(table));
      case "schemas" -> new Listed(SystemTables::schemasType, () -> schemas(table));
      case "files" -> new Listed(SystemTables::filesType, () -> files(table));
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static RelDataType snapshotsType(RelDataTypeFactory types) {
    RelDataType text = types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR), true);
    return types.builder()
        .add("snapshot_id", SqlTypeName.BIGINT)
        .add("commit_time", types.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, LakeTypes.TIME_PRECISION))
        .add("commit_kind", SqlTypeName.VARCHAR)
        .add("source_position", text)
        .add("pipeline", text)
        .add("summary", types.createMapType(types.createSqlType(SqlTypeName.VARCHAR), text))
        .build();
  }

  private static List<Object[]> snapshots(SinkTable table) {
    List<Object[]> rows = new ArrayList<>();
    for (TableSnapshot snapshot : table.snapshots()) {
      rows.add(new Object[] {snapshot.id(), snapshot.committedAt().toEpochMilli(), snapshot.operation(),
          snapshot.summary().get(CommitMetadata.POSITION), snapshot.summary().get(CommitMetadata.PIPELINE),
          snapshot.summary()});
    }
    return rows;
  }

  private static RelDataType schemasType(RelDataTypeFactory types) {
    return types.builder()
        .add("schema_id", SqlTypeName.INTEGER)
        .add("first_snapshot_id", SqlTypeName.BIGINT)
        .add("update_time", types.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, LakeTypes.TIME_PRECISION))
        .add("fields", SqlTypeName.VARCHAR)
        .add("primary_keys", SqlTypeName.VARCHAR)
        .build();
  }

  /** Each schema the table's retained snapshots were written with, in order of first use. */
  private static List<Object[]> schemas(SinkTable table) {
    List<Object[]> rows = new ArrayList<>();
    TableSchema previous = null;
    for (TableSnapshot snapshot : table.snapshots()) {
      TableSchema schema;
      try (RowScan scan = table.scan(snapshot.id())) {
        schema = scan.schema();
      }
      if (!schema.equals(previous)) {
        rows.add(new Object[] {rows.size(), snapshot.id(), snapshot.committedAt().toEpochMilli(), fields(schema),
            String.join(", ", schema.primaryKey())});
        previous = schema;
      }
    }
    return rows;
  }

  private static RelDataType filesType(RelDataTypeFactory types) {
    return types.builder()
        .add("file_path", SqlTypeName.VARCHAR)
        .add("content", SqlTypeName.VARCHAR)
        .add("file_format", SqlTypeName.VARCHAR)
        .add("record_count", SqlTypeName.BIGINT)
        .add("file_size_in_bytes", SqlTypeName.BIGINT)
        .build();
  }

  /** The files a reader of the latest version reads: data files and the delete files applied to them. */
  private static List<Object[]> files(SinkTable table) {
    List<Object[]> rows = new ArrayList<>();
    for (TableFile file : table.files(null)) {
      rows.add(new Object[] {file.path(), file.content(), file.format(), file.recordCount(), file.sizeInBytes()});
    }
    return rows;
  }

  /** {@code name TYPE [NOT NULL]} of each column, comma-separated. */
  static String fields(TableSchema schema) {
    List<String> fields = new ArrayList<>();
    for (Column column : schema.columns()) {
      fields.add(column.name() + " " + LakeTypes.sqlName(column.type()) + (column.nullable() ? "" : " NOT NULL"));
    }
    return String.join(", ", fields);
  }

  /**
   * A table whose rows are computed when it is scanned. Projectable, so Calcite scans this object itself instead
   * of generating code that looks it up by name again.
   */
  private static final class Listed extends AbstractTable implements ProjectableFilterableTable {
    private final Function<RelDataTypeFactory, RelDataType> rowType;
    private final Supplier<List<Object[]>> rows;

    Listed(Function<RelDataTypeFactory, RelDataType> rowType, Supplier<List<Object[]>> rows) {
      this.rowType = rowType;
      this.rows = rows;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return rowType.apply(typeFactory);
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
      List<Object[]> all = rows.get();
      if (projects == null) {
        return Linq4j.asEnumerable(all);
      }
      List<Object[]> projected = new ArrayList<>(all.size());
      for (Object[] row : all) {
        Object[] values = new Object[projects.length];
        for (int i = 0; i < projects.length; i++) {
          values[i] = row[projects[i]];
        }
        projected.add(values);
      }
      return Linq4j.asEnumerable(projected);
    }
  }
}
