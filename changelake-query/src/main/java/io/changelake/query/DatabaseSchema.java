package io.changelake.query;

import io.changelake.api.spi.SinkTable;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.calcite.schema.Table;
import java.util.Collection;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.rel.type.RelProtoDataType;
import org.apache.calcite.schema.Function;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.SchemaVersion;
import org.apache.calcite.schema.Schemas;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.schema.lookup.Named;

/**
 * A warehouse database as a Calcite schema: its lake tables (in one format, or in whichever single format
 * holds each), their system tables and the versions time travel picks.
 */
@SuppressWarnings("deprecation") // Schema's by-name methods are deprecated for tables(), yet abstract and still called
final class DatabaseSchema implements Schema {
  private final LakeCatalog catalog;
  private final String database;
  private final String format;
  private final Set<String> versions;

  /**
   * The tables of {@code database}; {@code format} null for every format. {@code versions} are the versioned names
   * queries asked for so far: Calcite looks names up again, at run time, in a cache of the names a schema lists.
   */
  DatabaseSchema(LakeCatalog catalog, String database, String format, Set<String> versions) {
    this.catalog = catalog;
    this.database = database;
    this.format = format;
    this.versions = versions;
  }

  @Override
  public Lookup<Table> tables() {
    return new Lookup<>() {
      @Override
      public Table get(String name) {
        TableName parsed = TableName.parse(name);
        return catalog.tables(database).containsKey(parsed.table()) ? table(parsed) : null;
      }

      @Override
      public Named<Table> getIgnoreCase(String name) {
        TableName parsed = TableName.parse(name);
        for (String table : catalog.tables(database).keySet()) {
          if (table.equalsIgnoreCase(parsed.table())) {
            TableName canonical = parsed.withTable(table);
            return new Named<>(canonical.encoded(), table(canonical));
          }
        }
        return null;
      }

      @Override
      public Set<String> getNames(LikePattern pattern) {
        var matcher = pattern.matcher();
        return allNames().stream().filter(matcher::apply).collect(Collectors.toCollection(TreeSet::new));
      }
    };
  }

  /** The lake tables, their system tables, and the versions asked for. */
  private Set<String> allNames() {
    Set<String> names = new TreeSet<>();
    for (String table : catalog.tables(database).keySet()) {
      names.add(table);
      SystemTables.NAMES.forEach(system -> names.add(table + "$" + system));
    }
    for (String version : versions) {
      TableName parsed = TableName.parse(version);
      catalog.tables(database).keySet().stream().filter(t -> t.equalsIgnoreCase(parsed.table()))
          .forEach(t -> names.add(parsed.withTable(t).encoded()));
    }
    return names;
  }

  /** The table the generated code looks up by name at run time. */
  @Override
  public Table getTable(String name) {
    return tables().get(name);
  }

  @Override
  public Set<String> getTableNames() {
    return catalog.tables(database).keySet();
  }

  @Override
  public RelProtoDataType getType(String name) {
    return null;
  }

  @Override
  public Set<String> getTypeNames() {
    return Set.of();
  }

  @Override
  public Collection<Function> getFunctions(String name) {
    return Set.of();
  }

  @Override
  public Set<String> getFunctionNames() {
    return Set.of();
  }

  @Override
  public Schema getSubSchema(String name) {
    return null;
  }

  @Override
  public Set<String> getSubSchemaNames() {
    return Set.of();
  }

  @Override
  public Expression getExpression(SchemaPlus parentSchema, String name) {
    return Schemas.subSchemaExpression(parentSchema, name, getClass());
  }

  @Override
  public boolean isMutable() {
    return false;
  }

  @Override
  public Schema snapshot(SchemaVersion version) {
    return this;
  }

  private Table table(TableName name) {
    SinkTable table = catalog.table(database, name.table(), format);
    if (name.system() != null) {
      return SystemTables.of(name.system(), table);
    }
    if (name.asOf() != null) {
      return new LakeTable(table, TimeTravel.snapshotAt(table, name.asOf()));
    }
    return new LakeTable(table, name.snapshotId());
  }
}
