package io.changelake.query;

import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.TableSink;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.config.Lex;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.tools.RelConversionException;
import org.apache.calcite.tools.RelRunner;
import org.apache.calcite.tools.ValidationException;

/**
 * Runs SQL over every table of a warehouse, whatever its format, with Apache Calcite.
 *
 * <p>Each warehouse database is a schema ({@code lakehouse.products}); each format is also a schema holding its
 * databases ({@code paimon.lakehouse.products}), for tables that several formats hold. Identifiers are matched
 * ignoring case and may be quoted with backticks, as in Flink SQL. Besides queries, {@link #execute} takes
 * {@code SHOW DATABASES}, {@code SHOW TABLES}, {@code USE db}, {@code DESCRIBE t} and {@code SHOW CREATE TABLE t};
 * time travel ({@code FOR SYSTEM_TIME AS OF}, {@code OPTIONS('scan.snapshot-id'='N')}) and the system tables
 * {@code t$snapshots}, {@code t$schemas} and {@code t$files}.
 *
 * <p>Errors: {@link IllegalArgumentException} for a statement that cannot be parsed or a malformed option,
 * {@link SinkException} for anything that names what the warehouse does not hold (table, column, snapshot).
 * Not thread-safe.
 */
public final class QueryEngine implements AutoCloseable {
  private static final SqlParser.Config PARSER = SqlParser.config()
      .withLex(Lex.JAVA)
      .withCaseSensitive(false)
      .withConformance(SqlConformanceEnum.LENIENT);
  /** Standard SQL's functions and PostgreSQL's (ILIKE, STRING_AGG, ...), for users of the source database. */
  private static final SqlOperatorTable OPERATORS =
      SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL);

  private final LakeCatalog catalog;
  private final CalciteConnection connection;
  private final MetaStatements meta;
  private final Set<String> versions = ConcurrentHashMap.newKeySet();
  private String database;

  /** An engine over the tables of {@code sinks} (one per format); the caller closes them after the engine. */
  public QueryEngine(List<TableSink> sinks) {
    this.catalog = new LakeCatalog(sinks);
    this.connection = connect();
    SchemaPlus root = connection.getRootSchema();
    for (String format : catalog.formats()) {
      SchemaPlus formatSchema = root.add(format, new AbstractSchema());
      catalog.databases().forEach(db -> uncached(formatSchema.add(db, new DatabaseSchema(catalog, db, format, versions))));
    }
    catalog.databases().forEach(db -> uncached(root.add(db, new DatabaseSchema(catalog, db, null, versions))));
    this.database = catalog.databases().size() == 1 ? catalog.databases().first()
        : catalog.database("default").orElse(null);
    this.meta = new MetaStatements(catalog);
  }

  /**
   * Lets the schema resolve names it does not list (system tables, versions): Calcite's name cache knows only the
   * listed ones. Its lookup must exist before the cache is turned off, or it starts cached.
   */
  private static void uncached(SchemaPlus schema) {
    schema.tables();
    schema.setCacheEnabled(false);
  }

  private static CalciteConnection connect() {
    Properties info = new Properties();
    info.setProperty("lex", Lex.JAVA.name());
    info.setProperty("caseSensitive", "false");
    info.setProperty("conformance", SqlConformanceEnum.LENIENT.name());
    info.setProperty("timeZone", "UTC");
    info.setProperty("typeSystem", LakeTypeSystem.class.getName() + "#INSTANCE");
    try {
      Connection connection = DriverManager.getConnection("jdbc:calcite:", info);
      return connection.unwrap(CalciteConnection.class);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot start the SQL engine: " + e.getMessage(), e);
    }
  }

  /** The database unqualified table names resolve in, or null when none is chosen. */
  public String database() {
    return database;
  }

  /**
   * Runs one statement.
   *
   * @throws IllegalArgumentException when the statement cannot be parsed
   * @throws SinkException when it names a table, column or version the warehouse does not hold, or fails
   */
  public QueryResult execute(String statement) {
    MetaStatements.Meta command = meta.parse(statement, database);
    if (command != null) {
      if (command.use() != null) {
        database = command.use();
      }
      return command.result();
    }
    return query(statement);
  }

  /** Plans and starts a query; the versions it names are listed by the schemas until its result is closed. */
  private QueryResult query(String sql) {
    List<String> named = new ArrayList<>();
    Planner planner = Frameworks.getPlanner(config());
    try {
      SqlNode parsed = planner.parse(SystemTables.quoteNames(sql));
      SqlNode rewritten = parsed.accept(new VersionRewriter(named::add));
      versions.addAll(named);
      ExactTimes.Plan plan = ExactTimes.rewrite(planner.rel(planner.validate(rewritten)).project());
      PreparedStatement statement = connection.unwrap(RelRunner.class).prepareStatement(plan.rel());
      return JdbcRows.result(statement.executeQuery(), () -> {
        named.forEach(versions::remove);
        statement.close();
      }, plan.visible(), plan.micros());
    } catch (SqlParseException e) {
      named.forEach(versions::remove);
      throw syntaxError(e);
    } catch (ValidationException | RelConversionException | SQLException | RuntimeException e) {
      named.forEach(versions::remove);
      throw failure(e);
    } finally {
      planner.close();
    }
  }

  private static IllegalArgumentException syntaxError(SqlParseException e) {
    String problem = firstLine(e.getMessage()).replaceFirst(" at line \\d+, column \\d+\\.$", "");
    if (problem.startsWith("Non-query expression")) {
      problem = "not a statement changelake runs: a query (SELECT, VALUES, WITH), SHOW DATABASES, SHOW TABLES,"
          + " USE db, DESCRIBE t or SHOW CREATE TABLE t";
    }
    return new IllegalArgumentException("SQL syntax error at line " + e.getPos().getLineNum() + ", column "
        + e.getPos().getColumnNum() + ": " + problem, e);
  }

  private FrameworkConfig config() {
    SchemaPlus root = connection.getRootSchema();
    return Frameworks.newConfigBuilder()
        .parserConfig(PARSER)
        .operatorTable(OPERATORS)
        .typeSystem(LakeTypeSystem.INSTANCE)
        .defaultSchema(database == null ? root : root.subSchemas().get(database))
        .build();
  }

  /**
   * The first problem in the cause chain: a lake or usage error as it is, else the validator's message (it
   * gives the position), else the innermost one.
   */
  static RuntimeException failure(Throwable e) {
    Throwable chosen = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SinkException || t instanceof IllegalArgumentException) {
        return (RuntimeException) t;
      }
      if (t instanceof CalciteContextException || t.getMessage() != null && !(chosen instanceof CalciteContextException)) {
        chosen = t;
      }
    }
    String message = firstLine(String.valueOf(chosen.getMessage()));
    return new SinkException(message.matches(".*Object '.*' not found.*")
        ? message + ". Run SHOW TABLES (and SHOW DATABASES) to list what the warehouse holds." : message, e);
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
