package io.changelake.engine.transform;

import io.changelake.api.config.ConfigException;
import io.changelake.api.model.TableSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The computed columns ({@code --computed_column name=expression}) and metadata columns
 * ({@code --metadata_column name}) added to every mirrored table, after the source columns, and
 * the {@link TypeMapping} of the source columns ({@code --type-mapping}).
 *
 * <p>Expressions are parsed here and typed per source schema by {@link #bind}, which the pipeline
 * calls once per schema version and reuses:
 *
 * <pre>{@code
 * RowTransform transform = transforms.bind(event.schema());   // when event.schema() changes
 * ChangeEvent widened = transform.apply(event);                // schema = transform.outputSchema()
 * }</pre>
 *
 * <p>Immutable (apart from remembering which warnings it has logged, to log each once).
 * {@link #NONE} adds nothing and costs nothing.
 */
public final class ColumnTransforms {
  /** Paimon's option for computed columns, used in messages. */
  public static final String COMPUTED_COLUMN = "computed_column";
  /** Paimon's option for metadata columns, used in messages. */
  public static final String METADATA_COLUMN = "metadata_column";
  /** No computed and no metadata columns: schemas and rows pass through unchanged. */
  public static final ColumnTransforms NONE = new ColumnTransforms(List.of(), List.of(),
      new TransformContext("", FunctionDialect.SQL), TypeMapping.NONE);

  private static final Logger LOG = LoggerFactory.getLogger(ColumnTransforms.class);

  private final List<ComputedColumn> computed;
  private final List<MetadataColumn> metadata;
  private final TransformContext context;
  private final TypeMapping typeMapping;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  /**
   * @throws ConfigException when two added columns share a name (ignoring case)
   */
  public ColumnTransforms(List<ComputedColumn> computed, List<MetadataColumn> metadata, TransformContext context) {
    this(computed, metadata, context, TypeMapping.NONE);
  }

  private ColumnTransforms(List<ComputedColumn> computed, List<MetadataColumn> metadata, TransformContext context,
      TypeMapping typeMapping) {
    this.computed = List.copyOf(computed);
    this.metadata = List.copyOf(metadata);
    this.context = Objects.requireNonNull(context, "context");
    this.typeMapping = Objects.requireNonNull(typeMapping, "typeMapping");
    Map<String, String> names = new HashMap<>();
    this.computed.forEach(c -> requireUnique(names, c.name(), COMPUTED_COLUMN, c.toString()));
    this.metadata.forEach(m -> requireUnique(names, m.columnName(), METADATA_COLUMN, m.columnName()));
  }

  /**
   * From the flags as typed: {@code name=expression} strings and metadata column names.
   *
   * @throws ConfigException for the first invalid flag, naming it and the fix
   */
  public static ColumnTransforms parse(List<String> computedColumns, List<String> metadataColumns,
      TransformContext context) {
    List<ComputedColumn> computed = new ArrayList<>();
    computedColumns.forEach(spec -> computed.add(ComputedColumn.parse(spec)));
    List<MetadataColumn> metadata = new ArrayList<>();
    metadataColumns.forEach(name -> metadata.add(MetadataColumn.named(name)));
    return computed.isEmpty() && metadata.isEmpty() ? NONE : new ColumnTransforms(computed, metadata, context);
  }

  /** These transforms with the source columns' types mapped by {@code mapping}. */
  public ColumnTransforms withTypeMapping(TypeMapping mapping) {
    return mapping.equals(typeMapping) ? this : new ColumnTransforms(computed, metadata, context, mapping);
  }

  private static void requireUnique(Map<String, String> names, String name, String option, String value) {
    String previous = names.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
    if (previous != null) {
      throw new ConfigException(option, value, "another computed or metadata column is already named " + previous
          + "; give each added column its own name");
    }
  }

  public List<ComputedColumn> computedColumns() {
    return computed;
  }

  public List<MetadataColumn> metadataColumns() {
    return metadata;
  }

  public TransformContext context() {
    return context;
  }

  public TypeMapping typeMapping() {
    return typeMapping;
  }

  public boolean isNone() {
    return computed.isEmpty() && metadata.isEmpty() && typeMapping.isNone();
  }

  /**
   * The lake schema for {@code source}: its columns (types mapped), then the computed columns, then
   * the metadata columns, all added ones nullable; the primary key is kept. {@code source} itself for
   * {@link #NONE}.
   *
   * @throws ConfigException as {@link #bind} does
   */
  public TableSchema outputSchema(TableSchema source) {
    return isNone() ? source : bind(source).outputSchema();
  }

  /**
   * Compiles the computed columns against {@code source}, typing each, their functions as the
   * context's {@link TransformContext#functionDialect()} defines them, and logs each warning once.
   *
   * @throws ConfigException when an expression does not fit the schema (unknown function, wrong
   *     argument types, a quoted name that is no column) or an added column's name is taken
   */
  public RowTransform bind(TableSchema source) {
    TableSchema mapped = typeMapping.apply(source);
    List<CompiledColumn> compiled = new ArrayList<>(computed.size());
    computed.forEach(c -> compiled.add(CompiledColumn.compile(c, mapped, context.functionDialect())));
    RowTransform transform = new RowTransform(source, mapped, typeMapping.converters(source), compiled, metadata,
        context);
    for (String warning : transform.warnings()) {
      if (logged.add(warning)) {
        LOG.warn(warning);
      }
    }
    return transform;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ColumnTransforms other && computed.equals(other.computed) && metadata.equals(other.metadata)
        && context.equals(other.context) && typeMapping.equals(other.typeMapping);
  }

  @Override
  public int hashCode() {
    return Objects.hash(computed, metadata, context, typeMapping);
  }

  @Override
  public String toString() {
    return "ColumnTransforms[computed=" + computed + ", metadata=" + metadata + ", types=" + typeMapping + "]";
  }
}
