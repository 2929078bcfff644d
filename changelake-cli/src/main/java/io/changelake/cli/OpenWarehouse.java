package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import java.util.ArrayList;
import java.util.List;

/** The table formats of one warehouse, open for reading; close it when done. */
final class OpenWarehouse implements AutoCloseable {
  private final List<LakeFormats.Opened> formats;

  OpenWarehouse(List<LakeFormats.Opened> formats) {
    this.formats = List.copyOf(formats);
  }

  List<LakeFormats.Opened> formats() {
    return formats;
  }

  /** Opens {@code db.table}, which must exist in exactly one of the open formats. */
  SinkTable table(String name) {
    TableId id = TableId.parse(name);
    List<SinkTable> found = new ArrayList<>();
    List<String> in = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (LakeFormats.Opened opened : formats) {
      opened.sink().find(id).ifPresent(t -> {
        found.add(t);
        in.add(opened.format());
      });
      opened.sink().listTables().forEach(t -> all.add(t + " (" + opened.format() + ")"));
    }
    if (found.isEmpty()) {
      throw new SinkException("No table " + id + " in this warehouse. Tables: " + (all.isEmpty() ? "none" : all)
          + ". Run 'changelake tables' to list them.");
    }
    if (found.size() > 1) {
      throw new SinkException("Table " + id + " exists in several formats (" + String.join(", ", in) + "); choose"
          + " one with --format.");
    }
    return found.get(0);
  }

  @Override
  public void close() {
    formats.forEach(f -> f.sink().close());
  }
}
