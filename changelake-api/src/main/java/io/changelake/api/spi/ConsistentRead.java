package io.changelake.api.spi;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.SourcePosition;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One source table read as of one {@link #position()}, for comparing it with its lake table ({@code changelake
 * verify}): the rows as of that position, and the keys that changed between it and the position a lake table
 * holds, whose rows may rightly differ. Close it when done: it may hold a snapshot and a slot in the source.
 */
public interface ConsistentRead extends AutoCloseable {

  /** The position the rows are read as of: they hold every change up to it and none after. */
  SourcePosition position();

  /** The table, its columns and key as the source has them now. */
  SourceTable table();

  /**
   * The keys of the table changed between {@link #position()} and {@code lake} (a position a lake table holds every
   * change up to), in whichever order the two are; or {@link Changes#lakeBehind} when the lake is expected to catch
   * up (a running sync has captured past {@link #position()} but the lake read may not hold it yet: read the lake
   * again and ask again).
   *
   * @throws SourceException when the changes cannot be known (e.g. the pipeline's slot is gone), saying why
   */
  Changes changedBetween(SourcePosition lake);

  /** Hands every row of the table as of {@link #position()} to {@code rows}, positioned by {@link #table()}. */
  void rows(Consumer<Row> rows);

  @Override
  void close();

  /**
   * What {@link #changedBetween} found.
   *
   * @param lakeBehind the lake is expected to catch up; read it again and ask again
   * @param all every key changed (e.g. the table was truncated)
   * @param keys the changed keys otherwise
   * @param why for {@code lakeBehind}, what the lake waits for
   */
  record Changes(boolean lakeBehind, boolean all, Set<RowKey> keys, String why) {
    public Changes {
      keys = Set.copyOf(keys);
      Objects.requireNonNull(why, "why");
    }

    public static Changes of(Set<RowKey> keys) {
      return new Changes(false, false, keys, "");
    }

    public static Changes everything(String why) {
      return new Changes(false, true, Set.of(), why);
    }

    public static Changes lakeBehind(String why) {
      return new Changes(true, false, Set.of(), why);
    }
  }
}
