package io.changelake.engine.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each computed column's type is inferred from the source schema, as SQL would type it. */
class TypeInferenceTest {

  @ParameterizedTest(name = "{0} : {1}")
  @CsvSource(delimiter = ';', value = {
      "CASE WHEN price < 50 THEN 'budget' ELSE 'premium' END; string",
      "year(ts); int", "hour(tstz); int", "date_format(created, 'yyyy'); string",
      "qty + 1; int", "qty / qty; int", "qty + big; long", "big % qty; long", "-big; long",
      "qty + price; decimal(13,2)", "price - price; decimal(11,2)", "price * price; decimal(21,4)",
      "price / price; decimal(23,13)", "price / qty; decimal(21,13)", "price % qty; decimal(10,2)",
      "cast(price AS decimal(38,10)) * cast(price AS decimal(38,10)); decimal(38,6)",
      "ratio + qty; double", "cast(qty AS real) * 2; double", "ratio * price; double",
      "1.50; decimal(3,2)", "0.05; decimal(2,2)", "2147483648; long", "1e3; double", "'x'; string",
      "qty > 1; boolean", "flag AND qty > 1; boolean", "name IS NULL; boolean",
      "name || qty; string", "substring(name, 2); string", "upper(name); string",
      "truncate(price, 5); decimal(10,2)", "truncate(big, 5); long", "truncate(name, 2); string",
      "CASE WHEN flag THEN qty ELSE price END; decimal(12,2)", "CASE WHEN flag THEN qty ELSE ratio END; double",
      "CASE WHEN flag THEN NULL ELSE created END; date",
      "cast(qty AS decimal(5,2)); decimal(5,2)", "cast(qty AS numeric); decimal(10,0)", "cast(qty AS text); string",
      "cast(ts AS timestamptz); timestamptz", "cast(name AS uuid); uuid", "cast(qty AS smallint); int",
      "tags; list<int>"})
  void infersTheType(String expression, String type) {
    assertEquals(type, Fixtures.typeOf(expression).toString());
  }
}
