package io.changelake.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.changelake.api.model.Column;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.IncompatibleSchemaChangeException;
import io.changelake.api.schema.SchemaChange;
import io.changelake.api.schema.SchemaEvolution;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.TableSink;
import io.changelake.engine.pipeline.Pipeline;
import io.changelake.engine.pipeline.PipelineException;
import io.changelake.engine.pipeline.PipelineSettings;
import io.changelake.engine.transform.ComputedColumn;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Prints what a sync with these flags would create, creating nothing: each selected table with its"
        + " lake table, key, mode, partitioning and whether it exists (and at which position); each column's source"
        + " and lake type (type mapping, computed and metadata columns included); for an existing table, the columns"
        + " the sync would add or refuse; what the sync creates or uses in the source. Exit code 3, with the fix, when"
        + " the sync would be refused (no key, a type change the lake table cannot follow, another mode).",
    footer = {
        "",
        "Examples:",
        "  changelake plan --source-conf-file cdc-credentials.properties --source-conf table-name='orders|items' \\",
        "      --warehouse ./lake --format iceberg,delta",
        "  changelake plan ... --output json      (for scripts)"
    })
final class PlanCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  SyncOptions options;

  @Option(names = "--table", description = "Lake table name when table-name selects one table, as sync-table's.")
  String table;

  @Option(names = "--output", defaultValue = "text", description = "text or json. Default: ${DEFAULT-VALUE}.")
  String output;

  @Override
  public Integer call() {
    if (!Set.of("text", "json").contains(output)) {
      throw new IllegalArgumentException("--output must be text or json, not '" + output + "'");
    }
    SyncPlan plan = plan(options.toRequest(TableFilter.ALL, table));
    PrintWriter out = spec.commandLine().getOut();
    if (output.equals("json")) {
      try {
        out.println(StatusFile.JSON.writeValueAsString(plan));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      print(plan, out);
    }
    out.flush();
    return plan.valid() ? ExitCode.OK : ExitCode.SOURCE;
  }

  /** The plan of the sync {@code request} asks for; reads the source and the lake, creates nothing in either. */
  static SyncPlan plan(SyncRequest request) {
    SourceProvider provider = Providers.source(request.source());
    String pipeline = provider.pipelineName(request.sourceOptions());
    PipelineSettings settings = SyncRunner.settings(request, provider.configDef().parse(request.sourceOptions()),
        pipeline);
    List<String> formats = LakeFormats.parse(request.formats());
    List<SyncPlan.TablePlan> tables = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, TableSink> sinks = LakeFormats.openExisting(request.warehouse(), formats, request.catalogOptions());
    try (Source source = provider.create(request.sourceOptions(), request.filter())) {
      List<SourceTable> discovered = source.discover();
      List<String> sourceObjects = source.capturePlan();
      Map<TableId, TableId> lakeIds = Map.of();
      try {
        lakeIds = Pipeline.lakeIds(discovered, SyncRunner.naming(request));
      } catch (PipelineException e) {
        problems.add(e.getMessage());
      }
      for (SourceTable table : discovered) {
        String keyProblem = null;
        try {
          Pipeline.checkKey(table, settings, source.advice());
        } catch (PipelineException e) {
          keyProblem = e.getMessage();
        }
        TableSchema schema = Pipeline.lakeSchema(table, settings);
        TableId lakeId = lakeIds.getOrDefault(table.id(), SyncRunner.naming(request).apply(table.id()));
        for (String format : formats) {
          Optional<SinkTable> existing = Optional.ofNullable(sinks.get(format)).flatMap(s -> s.find(lakeId));
          SyncPlan.TablePlan planned = tablePlan(table, lakeId, format, schema, settings, keyProblem, existing, source,
              request);
          tables.add(planned);
          if (planned.refused() != null && !problems.contains(planned.refused())) {
            problems.add(planned.refused());
          }
        }
      }
      return new SyncPlan(pipeline, request.source(), sourceObjects, tables, problems);
    } finally {
      sinks.values().forEach(TableSink::close);
    }
  }

  private static SyncPlan.TablePlan tablePlan(SourceTable table, TableId lakeId, String format, TableSchema schema,
      PipelineSettings settings, String keyProblem, Optional<SinkTable> existing, Source source, SyncRequest request) {
    String mode = Pipeline.modeOf(table, settings).id();
    List<String> partitionKeys = existing.isPresent() ? List.of() : partitionKeys(format, request);
    List<SyncPlan.ColumnPlan> columns = columns(table.schema(), schema, settings);
    if (existing.isEmpty()) {
      return new SyncPlan.TablePlan(table.id().toString(), lakeId.toString(), format, mode, schema.primaryKey(),
          partitionKeys, false, null, null, columns, List.of(), keyProblem);
    }
    SinkTable lake = existing.get();
    String position = lake.lastCommit().map(c -> source.parsePosition(c.position()).describe()).orElse(null);
    String writtenBy = lake.lastCommit().map(c -> c.pipeline()).orElse(null);
    List<String> changes = List.of();
    String refused = keyProblem;
    if (!lake.mode().id().equals(mode)) {
      refused = "Lake table " + lakeId + " (" + format + ") was created in " + lake.mode().id() + " mode; this sync"
          + " writes " + mode + " mode. A table's mode never changes. Fix: --mode " + lake.mode().id() + ", or drop"
          + " the lake table (changelake destroy --drop-tables) or sync into another --database.";
    } else if (refused == null) {
      try {
        changes = SchemaEvolution.plan(lakeId, lake.schema(), schema).stream().map(PlanCommand::describe).toList();
      } catch (IncompatibleSchemaChangeException e) {
        refused = e.getMessage();
      }
    }
    return new SyncPlan.TablePlan(table.id().toString(), lakeId.toString(), format, lake.mode().id(),
        lake.schema().primaryKey(), partitionKeys, true, position, writtenBy, columns, changes, refused);
  }

  private static List<String> partitionKeys(String format, SyncRequest request) {
    String keys = LakeFormats.optionsFor(format, request.tableProperties()).get(LakeFormats.PARTITION_KEYS);
    return keys == null || keys.isBlank() ? List.of() : List.of(keys.split(","));
  }

  private static List<SyncPlan.ColumnPlan> columns(TableSchema sourceSchema, TableSchema lakeSchema,
      PipelineSettings settings) {
    Set<String> computed = settings.transforms().computedColumns().stream().map(ComputedColumn::name)
        .collect(Collectors.toSet());
    List<SyncPlan.ColumnPlan> columns = new ArrayList<>();
    for (Column column : lakeSchema.columns()) {
      Optional<Column> fromSource = sourceSchema.column(column.name());
      String origin = fromSource.isPresent() ? "source" : computed.contains(column.name()) ? "computed" : "added";
      columns.add(new SyncPlan.ColumnPlan(column.name(), fromSource.map(Column::sourceType).orElse(null),
          column.type().toString(), column.nullable(), origin));
    }
    return columns;
  }

  private static String describe(SchemaChange change) {
    if (change instanceof SchemaChange.AddColumn add) {
      return "add column " + add.added().name() + " " + add.added().type();
    }
    if (change instanceof SchemaChange.WidenColumn widen) {
      return "widen column " + widen.column() + " to " + widen.newType();
    }
    if (change instanceof SchemaChange.MakeNullable nullable) {
      return "make column " + nullable.column() + " nullable";
    }
    return change.toString();
  }

  private static void print(SyncPlan plan, PrintWriter out) {
    out.println("Pipeline " + plan.pipeline() + " (" + plan.source() + ")");
    out.println("In the source:");
    if (plan.sourceObjects().isEmpty()) {
      out.println("  nothing is created");
    }
    plan.sourceObjects().forEach(line -> out.println("  " + line));
    for (SyncPlan.TablePlan t : plan.tables()) {
      out.println();
      out.println(t.source() + " -> " + t.format() + " " + t.lake() + " (" + t.mode() + ", key "
          + (t.key().isEmpty() ? "none" : String.join(",", t.key())) + ", "
          + (t.partitionKeys().isEmpty() ? "unpartitioned" : "partitioned by " + String.join(",", t.partitionKeys()))
          + ")");
      out.println("  " + (!t.exists() ? "new: created by the sync"
          : "exists, " + (t.position() == null ? "no commit yet" : "at " + t.position() + " (pipeline "
              + t.writtenBy() + ")")));
      List<List<String>> columns = t.columns().stream().map(c -> List.of(c.name(),
          c.sourceType() == null ? "-" : c.sourceType(), c.lakeType(), c.nullable() ? "yes" : "no", c.origin()))
          .toList();
      TextTable.print(out, List.of("column", "source type", "lake type", "nullable", "origin"), columns);
      t.changes().forEach(change -> out.println("  evolve: " + change));
      if (t.refused() != null) {
        out.println("  REFUSED: " + t.refused());
      }
    }
    out.println();
    out.println(plan.valid() ? "Plan valid: " + plan.tables().size() + " lake table(s). Nothing was created."
        : "The sync would be refused (" + plan.problems().size() + " problem(s) above). Nothing was created.");
  }
}
