package io.changelake.sink.iceberg.rest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.RESTCatalogProperties.SnapshotMode;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.ListNamespacesResponse;
import org.apache.iceberg.rest.responses.ListTablesResponse;

/**
 * The endpoints of the REST catalog protocol this server answers, over one Iceberg catalog.
 * Reads go to Iceberg's own {@link CatalogHandlers}; every endpoint that would change the
 * catalog is answered 403 (ForbiddenException): the tables are written by {@code changelake sync}
 * only. Clients learn the list from {@code GET /v1/config}.
 */
final class CatalogRoutes {
  /** How the protocol separates the levels of a namespace in a path segment (0x1F, URL-encoded). */
  private static final String NAMESPACE_SEPARATOR = "(?i)%1F";

  private static final List<Endpoint> WRITES = List.of(
      Endpoint.V1_CREATE_NAMESPACE, Endpoint.V1_UPDATE_NAMESPACE, Endpoint.V1_DELETE_NAMESPACE,
      Endpoint.V1_CREATE_TABLE, Endpoint.V1_UPDATE_TABLE, Endpoint.V1_DELETE_TABLE, Endpoint.V1_RENAME_TABLE,
      Endpoint.V1_REGISTER_TABLE, Endpoint.V1_COMMIT_TRANSACTION, Endpoint.V1_CREATE_VIEW, Endpoint.V1_UPDATE_VIEW,
      Endpoint.V1_DELETE_VIEW, Endpoint.V1_RENAME_VIEW, Endpoint.V1_REGISTER_VIEW);

  private final Catalog catalog;
  private final SupportsNamespaces namespaces;
  private final List<Route> routes;

  CatalogRoutes(Catalog catalog) {
    if (!(catalog instanceof SupportsNamespaces supportsNamespaces)) {
      throw new IllegalArgumentException("Catalog " + catalog.name() + " (" + catalog.getClass().getSimpleName()
          + ") has no namespaces, so it cannot be served over the REST protocol");
    }
    this.catalog = catalog;
    this.namespaces = supportsNamespaces;
    List<Route> list = new ArrayList<>(List.of(
        new Route(Endpoint.create("GET", "/v1/config"), (v, q) -> config()),
        new Route(Endpoint.V1_LIST_NAMESPACES, (v, q) -> listNamespaces(q)),
        new Route(Endpoint.V1_LOAD_NAMESPACE, (v, q) -> CatalogHandlers.loadNamespace(namespaces, namespace(v))),
        new Route(Endpoint.V1_NAMESPACE_EXISTS, (v, q) -> {
          CatalogHandlers.namespaceExists(namespaces, namespace(v));
          return null;
        }),
        new Route(Endpoint.V1_LIST_TABLES, (v, q) -> listTables(v, q)),
        new Route(Endpoint.V1_LOAD_TABLE, (v, q) -> CatalogHandlers.loadTable(catalog, table(v), snapshots(q))),
        new Route(Endpoint.V1_TABLE_EXISTS, (v, q) -> {
          CatalogHandlers.tableExists(catalog, table(v));
          return null;
        }),
        // A directory catalog has no views: an empty list, and no view of any name.
        new Route(Endpoint.V1_LIST_VIEWS, (v, q) -> {
          CatalogHandlers.namespaceExists(namespaces, namespace(v));
          return ListTablesResponse.builder().build();
        }),
        new Route(Endpoint.V1_LOAD_VIEW, (v, q) -> noView(v)),
        new Route(Endpoint.V1_VIEW_EXISTS, (v, q) -> noView(v)),
        // Scan metrics a client reports after reading: accepted and dropped; they change nothing.
        new Route(Endpoint.V1_REPORT_METRICS, (v, q) -> null)));
    WRITES.forEach(write -> list.add(new Route(write, (v, q) -> refuse(Route.describe(write)))));
    this.routes = List.copyOf(list);
  }

  List<Route> routes() {
    return routes;
  }

  private ConfigResponse config() {
    return ConfigResponse.builder()
        .withEndpoints(routes.stream().map(Route::endpoint).filter(e -> e.path().startsWith("/v1/{prefix}")).toList())
        .build();
  }

  private Object listNamespaces(Map<String, String> query) {
    String parent = query.get("parent");
    Namespace namespace = parent == null || parent.isEmpty() ? Namespace.empty() : checked(
        RESTUtil.namespaceFromQueryParam(parent));
    String pageSize = query.get("pageSize");
    ListNamespacesResponse all = pageSize == null ? CatalogHandlers.listNamespaces(namespaces, namespace)
        : CatalogHandlers.listNamespaces(namespaces, namespace, query.get("pageToken"), pageSize);
    // A directory catalog takes every folder for a namespace; hidden ones (.changelake) are not.
    return ListNamespacesResponse.builder()
        .addAll(all.namespaces().stream().filter(n -> !n.level(n.length() - 1).startsWith(".")).toList())
        .nextPageToken(all.nextPageToken())
        .build();
  }

  private Object listTables(Map<String, String> variables, Map<String, String> query) {
    String pageSize = query.get("pageSize");
    return pageSize == null ? CatalogHandlers.listTables(catalog, namespace(variables))
        : CatalogHandlers.listTables(catalog, namespace(variables), query.get("pageToken"), pageSize);
  }

  private static SnapshotMode snapshots(Map<String, String> query) {
    String mode = query.getOrDefault("snapshots", "all");
    try {
      return SnapshotMode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("Invalid snapshots=%s: use all or refs", mode);
    }
  }

  private static Object noView(Map<String, String> variables) {
    TableIdentifier view = TableIdentifier.of(namespace(variables), RESTUtil.decodeString(variables.get("view")));
    throw new NoSuchViewException("View does not exist: %s", view);
  }

  private static Object refuse(String endpoint) {
    throw new ForbiddenException("%s", "changelake serve is read-only: its tables are written by changelake sync."
        + " Refused: " + endpoint);
  }

  private static Namespace namespace(Map<String, String> variables) {
    String[] levels = Arrays.stream(variables.get("namespace").split(NAMESPACE_SEPARATOR, -1))
        .map(RESTUtil::decodeString).toArray(String[]::new);
    return checked(Namespace.of(levels));
  }

  private static TableIdentifier table(Map<String, String> variables) {
    String name = RESTUtil.decodeString(variables.get("table"));
    checkName(name);
    return TableIdentifier.of(namespace(variables), name);
  }

  /** Refuses names that leave the warehouse or reach a hidden folder (a directory catalog maps names to folders). */
  private static Namespace checked(Namespace namespace) {
    Arrays.stream(namespace.levels()).forEach(CatalogRoutes::checkName);
    return namespace;
  }

  private static void checkName(String name) {
    if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
      throw new BadRequestException("Invalid name '%s': a name is not empty, does not start with '.' and holds no"
          + " '/' or '\\'", name);
    }
  }
}
