package io.changelake.api.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.TableFilter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TableSelectionTest {

  @Test
  void selectsNamesMatchingBothTheOptionAndTheFilter() {
    TableSelection selection =
        new TableSelection(Pattern.compile("orders|order_items"), TableFilter.of(null, ".*items"));
    assertTrue(selection.test(new TableId("shop", "orders")));
    assertFalse(selection.test(new TableId("shop", "order_items")), "excluded by the filter");
    assertFalse(selection.test(new TableId("shop", "orders_2024")), "the table-name option matches whole names");
    assertEquals("table-name 'orders|order_items' excluding '.*items'", selection.describe());
  }

  @Test
  void selectsEveryTableWithoutOptionOrFilter() {
    TableSelection selection = new TableSelection(null, TableFilter.ALL);
    assertTrue(selection.test(new TableId("public", "anything")));
    assertEquals("any table", selection.describe());
    assertEquals("including 'a.*'", new TableSelection(null, TableFilter.of("a.*", null)).describe());
  }
}
