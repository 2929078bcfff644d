package io.changelake.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The sources {@code --source} names, each with the workload variants it has and how its private server starts. */
final class Sources {
  static final String DEFAULT = "postgres";

  private record Kind(Set<Workload.Variant> variants, Function<Path, Source> start) { }

  private static final Kind MARIADB = new Kind(Set.of(Workload.Variant.PLAIN), MariaDbSource::start);
  private static final Map<String, Kind> KINDS = Map.of(
      DEFAULT, new Kind(Set.of(Workload.Variant.values()), runDir -> PostgresSource.start()),
      "mysql", MARIADB,
      "mariadb", MARIADB);

  private Sources() { }

  /**
   * How to start the private server of source {@code name} for {@code variant}, given the run's folder
   * (for its scratch files).
   *
   * @throws IllegalArgumentException naming the choices when the source or the variant is not there
   */
  static Function<Path, Source> of(String name, Workload.Variant variant) {
    Kind kind = KINDS.get(name);
    if (kind == null) {
      Set<String> names = new TreeSet<>(KINDS.keySet());
      names.add(KafkaBench.NAME);
      throw new IllegalArgumentException("--source '" + name + "' is not a source: use one of " + names);
    }
    if (!kind.variants().contains(variant)) {
      throw new IllegalArgumentException("--variant " + variant.name().toLowerCase(java.util.Locale.ROOT)
          + " exists for PostgreSQL only (an enum and an int[] column): use --variant plain with --source " + name);
    }
    return kind.start();
  }
}
