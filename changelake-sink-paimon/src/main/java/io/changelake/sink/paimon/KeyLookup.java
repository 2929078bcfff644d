package io.changelake.sink.paimon;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.paimon.predicate.Predicate;
import org.apache.paimon.predicate.PredicateBuilder;
import org.apache.paimon.table.FileStoreTable;

/**
 * Finds the current rows of keys with a filtered read: the key predicate lets Paimon skip buckets
 * (the bucket key is changelake's key) and files whose key range cannot match; the rows read are
 * then matched exactly.
 */
final class KeyLookup {
  /** Keys per read: large enough to make few reads, small enough to keep the filter cheap. */
  static final int BATCH = 10_000;

  private KeyLookup() { }

  /** The rows of {@code table} (latest version, read under {@code conversion}) whose key is in {@code keys}. */
  static Map<RowKey, Row> find(FileStoreTable table, RowConversion conversion, Collection<RowKey> keys) {
    Map<RowKey, Row> found = new LinkedHashMap<>();
    TableSchema schema = conversion.schema();
    List<RowKey> all = new ArrayList<>(new HashSet<>(keys));
    for (int start = 0; start < all.size(); start += BATCH) {
      List<RowKey> batch = all.subList(start, Math.min(all.size(), start + BATCH));
      Set<RowKey> wanted = new HashSet<>(batch);
      try (PaimonRows rows = PaimonRows.read(table, conversion, filter(table, conversion, batch))) {
        for (Row row : rows) {
          RowKey key = row.key(schema);
          if (wanted.contains(key)) {
            found.put(key, row);
          }
        }
      }
    }
    return found;
  }

  private static Predicate filter(FileStoreTable table, RowConversion conversion, List<RowKey> keys) {
    PredicateBuilder builder = new PredicateBuilder(table.rowType());
    List<String> names = conversion.schema().primaryKey();
    int[] fields = names.stream().mapToInt(table.rowType()::getFieldIndex).toArray();
    if (names.size() == 1) {
      List<Object> literals = new ArrayList<>(keys.size());
      keys.forEach(key -> literals.add(conversion.keyLiteral(key.values().get(0), names.get(0))));
      return builder.in(fields[0], literals);
    }
    List<Predicate> any = new ArrayList<>(keys.size());
    for (RowKey key : keys) {
      List<Predicate> all = new ArrayList<>(names.size());
      for (int i = 0; i < names.size(); i++) {
        all.add(builder.equal(fields[i], conversion.keyLiteral(key.values().get(i), names.get(i))));
      }
      any.add(PredicateBuilder.and(all));
    }
    return PredicateBuilder.or(any);
  }
}
