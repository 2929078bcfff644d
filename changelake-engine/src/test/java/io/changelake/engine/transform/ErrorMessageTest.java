package io.changelake.engine.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every mistake a user can make in a flag gets a message that says what is wrong and what to do. */
class ErrorMessageTest {

  @Test
  void specWithoutEquals() {
    assertEquals("Invalid value 'price_category' for option 'computed_column': expected name=expression, e.g."
        + " price_category=CASE WHEN price < 50 THEN 'budget' ELSE 'premium' END", parseError("price_category"));
  }

  @Test
  void specWithoutNameOrExpression() {
    assertEquals("Invalid value ' = qty' for option 'computed_column': the column name before '=' is missing",
        parseError(" = qty"));
    assertEquals("Invalid value 'c= ' for option 'computed_column': the expression after '=' is missing",
        parseError("c= "));
  }

  @Test
  void syntaxErrorShowsTheExpressionAndThePosition() {
    assertEquals("Invalid value 'c=qty = = 2' for option 'computed_column': syntax error at column 7: unexpected '='"
        + "\n  qty = = 2\n        ^", parseError("c=qty = = 2"));
    assertTrue(parseError("c=qty 2").contains("syntax error at column 5: unexpected '2' after a complete expression"));
    assertTrue(parseError("c=price < 50 THEN 'x'").contains(
        "syntax error at column 12: unexpected 'THEN' after a complete expression"), parseError("c=price < 50 THEN 'x'"));
    assertTrue(parseError("c=qty +").contains("syntax error at column 6: the expression ends too early"), parseError("c=qty +"));
    assertTrue(parseError("c=CASE WHEN flag\nTHEN 1 ELSE 2 END END").contains("syntax error at line 2, column 19"),
        parseError("c=CASE WHEN flag\nTHEN 1 ELSE 2 END END"));
    assertTrue(parseError("c='abc").contains("cannot read the expression (an unclosed quote?)"), parseError("c='abc"));
  }

  @Test
  void unknownFunctionListsTheSupportedOnes() {
    assertEquals("Invalid value 'c=round(price)' for option 'computed_column': unknown function 'round'; supported:"
        + " year(date|timestamp|timestamptz), month(date|timestamp|timestamptz), day(date|timestamp|timestamptz),"
        + " hour(date|time|timestamp|timestamptz), minute(date|time|timestamp|timestamptz),"
        + " second(date|time|timestamp|timestamptz), date_format(date|time|timestamp|timestamptz, 'java pattern'),"
        + " substring(string, start[, length]), truncate(int|bigint|decimal|string, width), upper(string),"
        + " lower(string), cast(value AS type)", bindError("c=round(price)"));
    assertTrue(bindError("c=pg_catalog.upper(name)").contains("unknown function 'pg_catalog.upper'"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "year(name); year needs a date, timestamp or timestamptz, got string: year(date|timestamp|timestamptz);"
          + " CAST a string to the type first",
      "hour(qty); hour needs a date, time, timestamp or timestamptz, got int",
      "upper(qty); upper needs a string, got int: upper(string)",
      "substring(name); substring takes 2 or 3 arguments, got 1: substring(string, start[, length])",
      "upper(name, name); upper takes 1 argument, got 2",
      "substring(name, '1'); substring needs an integer, got string",
      "truncate(ratio, 2); truncate needs int, bigint, decimal or string, got double",
      "truncate(qty, 0); truncate needs a positive integer literal width",
      "truncate(qty, qty); truncate needs a positive integer literal width",
      "date_format(ts, name); date_format needs its pattern as a string literal, e.g. 'yyyy-MM-dd'",
      "date_format(created, 'HH:mm'); date_format pattern 'HH:mm' does not apply to date: Unsupported field: HourOfDay",
      "date_format(ts, 'yyyy-MM-dd {'); date_format pattern 'yyyy-MM-dd {' does not apply to timestamp",
      "name + 1; operator + needs numbers, got string and int; concatenate strings with ||",
      "created - 1; operator - needs numbers, got date and int",
      "NULL + NULL; 'NULL + NULL' has no type; write CAST(NULL AS <type>)",
      "-name; unary - needs a number, got string",
      "flag AND qty; AND needs a boolean condition, got int; compare it, e.g. x > 0 or x IS NOT NULL",
      "NOT qty; NOT needs a boolean condition, got int",
      "CASE WHEN qty THEN 1 END; CASE WHEN needs a boolean condition, got int",
      "qty = name; cannot compare int with string (=); CAST one side to the other's type",
      "tags = tags; cannot compare list<int> with list<int>",
      "CASE WHEN flag THEN 'a' ELSE 1 END; CASE results have types int and string; CAST them to one type",
      "cast(tags AS int); cannot cast list<int> to int",
      "cast(created AS int); cannot cast date to int",
      "cast(qty AS xml); cannot cast to xml; supported types: int, bigint, real, double, decimal(p,s), string",
      "cast(qty AS decimal(50,2)); invalid type decimal (50, 2): Decimal precision must be in [1, 38]: 50",
      "\"Qty\" + 1; no column \"Qty\" in the source table; its columns are [id, price, qty",
      "products.qty; qualified column name products.qty is not supported; write the column name alone",
      "qty BETWEEN 1 AND 2; unsupported expression 'qty BETWEEN 1 AND 2'; computed columns support + - * / %",
      "qty DIV 2; unsupported expression 'qty DIV 2'",
      "NULL; the expression is always an untyped NULL; write CAST(NULL AS <type>)",
      "123456789012345678901234567890123456789.5; number 123456789012345678901234567890123456789.5 has more than 38 digits"})
  void typeErrorsSayWhatIsWrongAndHowToFixIt(String expression, String message) {
    String error = bindError("c=" + expression);
    assertTrue(error.startsWith("Invalid value 'c=" + expression + "' for option 'computed_column': "), error);
    assertTrue(error.contains(message), error);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "substring(name); substring takes 2 or 3 arguments, got 1: substring(string, begin[, end])",
      "substring(name, -1); substring's begin index must be 0 or more (it is 0-based), got -1:"
          + " substring(string, begin[, end])",
      "substring(name, 2, 2); substring's end index must be larger than its begin index (it is exclusive), got"
          + " begin 2 and end 2",
      "substring(name, 3, 1); got begin 3 and end 1",
      "round(name); unknown function 'round'; supported: year(date|timestamp|timestamptz),",
      "round(name); date_format(date|time|timestamp|timestamptz, 'java pattern'), substring(string, begin[, end]),"
          + " truncate("})
  void paimonSubstringIndexLiteralsAreCheckedWhenBound(String expression, String message) {
    String error = bindError(Fixtures.PAIMON, "c=" + expression);
    assertTrue(error.contains(message), error);
  }

  @Test
  void ambiguousNameAsksForQuotes() {
    TableSchema schema = new TableSchema(List.of(Column.of("Amount", DataType.INT, true),
        Column.of("AMOUNT", DataType.INT, true)), List.of());
    ConfigException e = assertThrows(ConfigException.class, () -> transforms("c=amount + 1").bind(schema));
    assertTrue(e.getMessage().endsWith("column name amount is ambiguous: Amount or AMOUNT; write it in double quotes"
        + " with the exact case, e.g. \"AMOUNT\""), e.getMessage());
  }

  @Test
  void nameClashingWithASourceColumn() {
    assertEquals("Invalid value 'QTY=qty + 1' for option 'computed_column': the source table already has a column"
        + " qty; choose another name", bindError("QTY=qty + 1"));
    ConfigException e = assertThrows(ConfigException.class, () -> new ColumnTransforms(List.of(),
        List.of(MetadataColumn.TABLE_NAME), Fixtures.CONTEXT).bind(withColumn("table_name")));
    assertEquals("Invalid value 'table_name' for option 'metadata_column': the source table already has a column"
        + " table_name; choose another name", e.getMessage());
  }

  @Test
  void addedColumnsNeedDistinctNames() {
    ConfigException twice = assertThrows(ConfigException.class, () -> transforms("c=1", "C=2"));
    assertEquals("Invalid value 'C=2' for option 'computed_column': another computed or metadata column is already"
        + " named c; give each added column its own name", twice.getMessage());
    ConfigException clash = assertThrows(ConfigException.class,
        () -> ColumnTransforms.parse(List.of("op_ts=1"), List.of("op_ts"), Fixtures.CONTEXT));
    assertTrue(clash.getMessage().startsWith("Invalid value 'op_ts' for option 'metadata_column'"), clash.getMessage());
  }

  @Test
  void unknownMetadataColumnListsTheValidOnes() {
    ConfigException e = assertThrows(ConfigException.class, () -> MetadataColumn.named("_op"));
    assertEquals("Invalid value '_op' for option 'metadata_column': must be one of _op_type, _event_timestamp,"
        + " table_name, database_name, schema_name, op_ts, _source_position", e.getMessage());
  }

  private static ColumnTransforms transforms(String... specs) {
    return ColumnTransforms.parse(List.of(specs), List.of(), Fixtures.CONTEXT);
  }

  private static String parseError(String spec) {
    return assertThrows(ConfigException.class, () -> ComputedColumn.parse(spec)).getMessage();
  }

  private static String bindError(String spec) {
    return bindError(Fixtures.CONTEXT, spec);
  }

  private static String bindError(TransformContext context, String spec) {
    return assertThrows(ConfigException.class,
        () -> ColumnTransforms.parse(List.of(spec), List.of(), context).bind(Fixtures.SCHEMA)).getMessage();
  }

  private static TableSchema withColumn(String name) {
    return new TableSchema(List.of(Column.of("id", DataType.INT, false), Column.of(name, DataType.STRING, true)),
        List.of("id"));
  }
}
