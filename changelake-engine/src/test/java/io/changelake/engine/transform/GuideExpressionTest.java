package io.changelake.engine.transform;

import static io.changelake.engine.transform.Fixtures.SCHEMA;
import static io.changelake.engine.transform.Fixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import io.changelake.api.model.DataType;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Paimon guide's computed column, as written in SQL and as the shell hands it over. */
class GuideExpressionTest {
  private static final String QUOTED = "price_category=CASE WHEN price < 50 THEN 'budget' WHEN price < 200"
      + " THEN 'mid' ELSE 'premium' END";
  /** What bash makes of the guide's {@code THEN ''budget''} inside a single-quoted argument. */
  private static final String AFTER_SHELL = "price_category=CASE WHEN price < 50 THEN budget WHEN price < 200"
      + " THEN mid ELSE premium END";

  @ParameterizedTest
  @ValueSource(strings = {QUOTED, AFTER_SHELL})
  void categorizesPrices(String spec) {
    RowTransform transform = Fixtures.bind(spec);
    assertEquals(DataType.STRING, transform.outputSchema().column(SCHEMA.size()).type());
    assertEquals("price_category", transform.outputSchema().column(SCHEMA.size()).name());
    assertEquals("budget", category(transform, "49.99"));
    assertEquals("mid", category(transform, "50.00"));
    assertEquals("mid", category(transform, "199.99"));
    assertEquals("premium", category(transform, "200.00"));
    assertEquals("premium", category(transform, null), "a NULL price fails both tests and takes ELSE");
  }

  @Test
  void quotedLiteralsGiveNoWarning() {
    assertEquals(List.of(), Fixtures.bind(QUOTED).warnings());
  }

  @Test
  void bareWordsAreReadAsStringsWithOneWarningEach() {
    List<String> warnings = Fixtures.bind(AFTER_SHELL).warnings();
    assertEquals(3, warnings.size());
    assertTrue(warnings.get(0).contains("'budget' is no column of the source table"), warnings.get(0));
    assertTrue(warnings.get(0).contains("single quotes ('budget')"), warnings.get(0));
    assertTrue(warnings.get(1).contains("'mid'"), warnings.get(1));
    assertTrue(warnings.get(2).contains("'premium'"), warnings.get(2));
  }

  @Test
  void doubledQuotesOutsideAShellAreASyntaxErrorThatShowsWhere() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComputedColumn.parse(
        "price_category=CASE WHEN price < 50 THEN ''budget'' ELSE 'premium' END"));
    assertTrue(e.getMessage().startsWith("Invalid value 'price_category=CASE"), e.getMessage());
    assertTrue(e.getMessage().contains("syntax error at column 29: unexpected 'budget'"), e.getMessage());
    assertTrue(e.getMessage().contains("\n  CASE WHEN price < 50 THEN ''budget'' ELSE 'premium' END\n"
        + "                              ^"), e.getMessage());
  }

  private static Object category(RowTransform transform, String price) {
    var row = with("price", price == null ? null : new BigDecimal(price));
    return transform.apply(Fixtures.insert(row), row).get(SCHEMA.size());
  }
}
