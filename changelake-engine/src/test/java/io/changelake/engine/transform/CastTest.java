package io.changelake.engine.transform;

import static io.changelake.engine.transform.Fixtures.eval;
import static io.changelake.engine.transform.Fixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** CAST(x AS type) between the types computed columns produce. */
class CastTest {

  @Test
  void numbersRoundHalfAwayFromZeroToIntegers() {
    assertEquals(20, eval("cast(price AS int)"));
    assertEquals(-3, eval("cast(-2.5 AS int)"));
    assertEquals(3L, eval("cast(2.5e0 AS bigint)"));
    assertEquals(10L, eval("CAST(big AS bigint)"));
    assertEquals(3L, eval("qty::bigint"));
  }

  @Test
  void decimalsTakeTheTargetScale() {
    assertEquals(new BigDecimal("3.00"), eval("cast(qty AS decimal(5,2))"));
    assertEquals(new BigDecimal("20"), eval("cast(price AS numeric)"));
    assertEquals(new BigDecimal("0.50"), eval("cast(ratio AS decimal(4,2))"));
    assertTrue(assertThrows(ComputedColumnException.class, () -> eval("cast(123.456 AS decimal(4,2))"))
        .getMessage().endsWith("value 123.456 does not fit decimal(4,2)"));
  }

  @Test
  void numbersToApproximate() {
    assertEquals(19.99, eval("cast(price AS double)"));
    assertEquals(3.0f, eval("cast(qty AS real)"));
    assertEquals(3.0, eval("cast(qty AS float)"), "float is double precision, as in PostgreSQL");
  }

  @Test
  void valuesToText() {
    assertEquals("3", eval("cast(qty AS varchar)"));
    assertEquals("19.99", eval("cast(price AS string)"));
    assertEquals("true", eval("cast(flag AS text)"));
    assertEquals("2024-03-15", eval("cast(created AS varchar(10))"));
    assertEquals("2024-03-15 13:45:30.123456", eval("cast(ts AS string)"));
    assertEquals("2024-03-15 13:45:30", eval("cast(ts AS string)", with("ts", LocalDateTime.of(2024, 3, 15, 13, 45, 30))));
    assertEquals("2024-03-15 23:30:00+00:00", eval("cast(tstz AS string)"));
  }

  @Test
  void textToValues() {
    assertEquals(42, eval("cast(name AS int)", with("name", " 42 ")));
    assertEquals(new BigDecimal("1.50"), eval("cast('1.5' AS decimal(3,2))"));
    assertEquals(true, eval("cast('yes' AS boolean)"));
    assertEquals(false, eval("cast('F' AS boolean)"));
    assertEquals(LocalDate.of(2024, 1, 2), eval("cast('2024-01-02' AS date)"));
    assertEquals(LocalDateTime.of(2024, 1, 2, 3, 4, 5), eval("cast('2024-01-02 03:04:05' AS timestamp)"));
    assertEquals(LocalDateTime.of(2024, 1, 2, 3, 4, 5), eval("cast('2024-01-02T03:04:05' AS timestamp)"));
    assertEquals(OffsetDateTime.of(2024, 1, 2, 1, 4, 5, 0, ZoneOffset.UTC),
        eval("cast('2024-01-02 03:04:05+02:00' AS timestamptz)"));
    assertEquals(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC),
        eval("cast('2024-01-02 03:04:05' AS timestamp with time zone)"), "no offset means UTC");
    assertEquals(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
        eval("cast('123e4567-e89b-12d3-a456-426614174000' AS uuid)"));
  }

  @Test
  void badTextFailsTheRowNamingTheValue() {
    ComputedColumnException e = assertThrows(ComputedColumnException.class, () -> eval("cast(name AS int)"));
    assertEquals("Computed column c = cast(name AS int) failed: cannot cast 'Widget' to int", e.getMessage());
    assertThrows(ComputedColumnException.class, () -> eval("cast('maybe' AS boolean)"));
    assertThrows(ComputedColumnException.class, () -> eval("cast('2024-13-01' AS date)"));
  }

  @Test
  void dateTimeConversionsUseUtc() {
    assertEquals(LocalDate.of(2024, 3, 15), eval("cast(ts AS date)"));
    assertEquals(LocalDate.of(2024, 3, 15), eval("cast(tstz AS date)"));
    assertEquals(LocalDateTime.of(2024, 3, 15, 0, 0), eval("cast(created AS timestamp)"));
    assertEquals(OffsetDateTime.of(2024, 3, 15, 0, 0, 0, 0, ZoneOffset.UTC), eval("cast(created AS timestamptz)"));
    assertEquals(LocalDateTime.of(2024, 3, 15, 23, 30), eval("cast(tstz AS timestamp)"));
  }

  @Test
  void booleansAndIntegers() {
    assertEquals(true, eval("cast(qty AS boolean)"));
    assertEquals(false, eval("cast(qty - 3 AS boolean)"));
    assertEquals(1, eval("cast(flag AS int)"));
  }

  @Test
  void castGivesNullATypeAndKeepsNull() {
    assertNull(eval("cast(NULL AS int)"));
    assertEquals(io.changelake.api.model.DataType.INT, Fixtures.typeOf("cast(NULL AS int)"));
    assertNull(eval("cast(qty AS string)", with("qty", null)));
  }
}
