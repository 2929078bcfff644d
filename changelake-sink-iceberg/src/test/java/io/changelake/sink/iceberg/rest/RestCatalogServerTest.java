package io.changelake.sink.iceberg.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.changelake.hadoop.HadoopConf;
import io.changelake.sink.iceberg.IcebergSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ErrorResponseParser;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warehouse written by the real Iceberg sink, served over HTTP on loopback and read by Iceberg's
 * own REST client ({@link RESTCatalog}) and generic reader, as an engine would.
 */
class RestCatalogServerTest {
  private static final String TOKEN = "test-token-7f3a";
  private static final TableId ORDERS = TableId.parse("shop.orders");
  private static final TableId EVENTS = TableId.parse("sales.events");
  private static final TableId CLICKS = TableId.parse("sales.clicks");
  private static final TableSchema SCHEMA = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
      Column.of("name", DataType.STRING, true), Column.of("qty", DataType.INT, true)), List.of("id"));

  @TempDir
  static Path warehouse;

  private static IcebergSink sink;
  private static RestCatalogServer server;
  private static RESTCatalog client;

  @BeforeAll
  static void serve() throws IOException {
    sink = IcebergSink.local(warehouse);
    SinkTable orders = sink.open(ORDERS, SCHEMA, WriteMode.UPSERT);
    commit(orders, "p1", w -> {
      w.upsert(Row.of(1L, "apple", 3));
      w.upsert(Row.of(2L, "pear", 5));
      w.upsert(Row.of(3L, "plum", 7));
    });
    commit(orders, "p2", w -> {
      w.upsert(Row.of(2L, "pear", 6));          // an update: equality delete + new row
      w.delete(new RowKey(List.of(3L)));        // a delete: readers must apply it
    });
    SinkTable events = sink.open(EVENTS, SCHEMA, WriteMode.APPEND);
    commit(events, "e1", w -> w.insert(Row.of(10L, "click", 1)));
    server = RestCatalogServer.start(sink.catalog(), RestCatalogConfig.parse(Map.of("port", "0", "token", TOKEN)));
    client = client(TOKEN);
  }

  @AfterAll
  static void stop() throws IOException {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (sink != null) {
      sink.close();
    }
  }

  @Test
  void listsNamespacesAndTables() {
    assertTrue(client.listNamespaces().containsAll(List.of(Namespace.of("shop"), Namespace.of("sales"))),
        client.listNamespaces().toString());
    assertEquals(List.of(TableIdentifier.of("shop", "orders")), client.listTables(Namespace.of("shop")));
    assertTrue(client.listTables(Namespace.of("sales")).contains(TableIdentifier.of("sales", "events")));
    assertTrue(client.namespaceExists(Namespace.of("sales")));
    assertFalse(client.namespaceExists(Namespace.of("nowhere")));
    assertTrue(client.tableExists(TableIdentifier.of("sales", "events")));
    assertFalse(client.tableExists(TableIdentifier.of("sales", "nothing")));
    assertEquals(warehouse.resolve("shop").toUri().getPath().replaceAll("/$", ""),
        URI.create(client.loadNamespaceMetadata(Namespace.of("shop")).get("location")).getPath().replaceAll("/$", ""));
  }

  @Test
  void nestedNamespacesTravelWithTheProtocolSeparator() {
    SinkTable nested = sink.open(TableId.parse("region.eu.stock"), SCHEMA, WriteMode.APPEND);
    commit(nested, "n1", w -> w.insert(Row.of(5L, "bolt", 9)));
    Namespace eu = Namespace.of("region", "eu");
    assertEquals(List.of(eu), client.listNamespaces(Namespace.of("region")));
    assertEquals(List.of(TableIdentifier.of(eu, "stock")), client.listTables(eu));
    assertEquals(List.of(List.of(5L, "bolt", 9)), rows(client.loadTable(TableIdentifier.of(eu, "stock"))));
  }

  @Test
  void readsEveryRowAsWrittenWithDeletesApplied() {
    Table table = client.loadTable(TableIdentifier.of("shop", "orders"));
    assertEquals(sink.catalog().loadTable(TableIdentifier.of("shop", "orders")).location(), table.location());
    assertTrue(table.location().startsWith("file:/") && table.currentSnapshot().manifestListLocation().startsWith("file:/"),
        "locations carry their scheme (Trino refuses a bare path): " + table.currentSnapshot().manifestListLocation());
    assertEquals(List.of(List.of(1L, "apple", 3), List.of(2L, "pear", 6)), rows(table));
    assertEquals(List.of(List.of(10L, "click", 1)), rows(client.loadTable(TableIdentifier.of("sales", "events"))));
  }

  @Test
  void aLoadSeesCommitsMadeWhileServing() {
    SinkTable clicks = sink.open(CLICKS, SCHEMA, WriteMode.APPEND);
    commit(clicks, "c1", w -> w.insert(Row.of(20L, "home", 1)));
    TableIdentifier identifier = TableIdentifier.of("sales", "clicks");
    long before = client.loadTable(identifier).currentSnapshot().snapshotId();
    commit(clicks, "c2", w -> w.insert(Row.of(21L, "cart", 2)));
    Table after = client.loadTable(identifier);
    assertTrue(after.currentSnapshot().snapshotId() != before, "the new snapshot is served");
    assertEquals(List.of(List.of(20L, "home", 1), List.of(21L, "cart", 2)), rows(after));
  }

  @Test
  void unknownTablesAndNamespacesAreNotFound() {
    NoSuchTableException table = assertThrows(NoSuchTableException.class,
        () -> client.loadTable(TableIdentifier.of("shop", "missing")));
    assertTrue(table.getMessage().contains("missing"), table.getMessage());
    assertThrows(NoSuchNamespaceException.class, () -> client.listTables(Namespace.of("nowhere")));
    assertThrows(NoSuchNamespaceException.class, () -> client.loadNamespaceMetadata(Namespace.of("nowhere")));
  }

  @Test
  void aDirectoryCatalogHasNoViews() {
    assertEquals(List.of(), client.listViews(Namespace.of("shop")));
    assertFalse(client.viewExists(TableIdentifier.of("shop", "orders")));
    assertThrows(NoSuchViewException.class, () -> client.loadView(TableIdentifier.of("shop", "orders")));
    assertThrows(NoSuchNamespaceException.class, () -> client.listViews(Namespace.of("nowhere")));
  }

  @Test
  void aMissingOrWrongTokenIsRefused() throws Exception {
    NotAuthorizedException missing = assertThrows(NotAuthorizedException.class, () -> client(null));
    assertTrue(missing.getMessage().contains("token"), missing.getMessage());
    NotAuthorizedException wrong = assertThrows(NotAuthorizedException.class, () -> client("not-the-token"));
    assertFalse(wrong.getMessage().contains(TOKEN), "the token is never echoed");

    HttpResponse<String> response = http("GET", "/v1/namespaces", null);
    assertEquals(401, response.statusCode());
    ErrorResponse error = ErrorResponseParser.fromJson(response.body());
    assertEquals("NotAuthorizedException", error.type());
    assertEquals(401, error.code());
  }

  @Test
  void writesAreRefusedWithTheErrorModel() throws Exception {
    Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));
    ForbiddenException create = assertThrows(ForbiddenException.class,
        () -> client.createTable(TableIdentifier.of("shop", "new_table"), schema));
    assertTrue(create.getMessage().contains("read-only")
        && create.getMessage().contains("POST /v1/namespaces/{namespace}/tables"), create.getMessage());
    assertThrows(ForbiddenException.class, () -> client.dropTable(TableIdentifier.of("shop", "orders")));
    assertThrows(ForbiddenException.class, () -> client.createNamespace(Namespace.of("more")));
    assertTrue(client.tableExists(TableIdentifier.of("shop", "orders")), "the table is still there");

    HttpResponse<String> raw = http("DELETE", "/v1/namespaces/shop/tables/orders", TOKEN);
    assertEquals(403, raw.statusCode());
    assertEquals("ForbiddenException", ErrorResponseParser.fromJson(raw.body()).type());
  }

  @Test
  void namesThatLeaveTheWarehouseAreRefused() throws Exception {
    HttpResponse<String> response = http("GET", "/v1/namespaces/..%2F..%2Fetc/tables", TOKEN);
    assertEquals(400, response.statusCode());
    assertEquals("BadRequestException", ErrorResponseParser.fromJson(response.body()).type());
    assertEquals(400, http("GET", "/v1/nothing/here", TOKEN).statusCode());
  }

  private static RESTCatalog client(String token) {
    RESTCatalog catalog = new RESTCatalog();
    catalog.setConf(HadoopConf.create());
    Map<String, String> properties = token == null ? Map.of("uri", server.uri().toString())
        : Map.of("uri", server.uri().toString(), "token", token);
    catalog.initialize("lake", properties);
    return catalog;
  }

  private static HttpResponse<String> http(String method, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void commit(SinkTable table, String position, Consumer<TableWriter> body) {
    try (TableWriter writer = table.newWriter()) {
      body.accept(writer);
      writer.commit(new CommitMetadata(position, true, "test-pipeline", CommitKind.STREAM, null));
    }
  }

  /** Every row of the table as Iceberg's generic reader returns it, sorted by the first column. */
  private static List<List<Object>> rows(Table table) {
    List<List<Object>> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < table.schema().columns().size(); i++) {  // the reader adds _pos after them
          row.add(record.get(i));
        }
        rows.add(row);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    rows.sort(Comparator.comparing(row -> (Long) row.get(0)));
    return rows;
  }
}
