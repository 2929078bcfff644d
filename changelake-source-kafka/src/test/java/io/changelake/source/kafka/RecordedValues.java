package io.changelake.source.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changelake.debezium.FieldValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * The value bytes of changelake-debezium's recorded Debezium records ({@code debezium-records/}, JsonConverter's
 * layout with embedded schemas), and a field-by-field comparison of field values with the Struct a converter made.
 */
public final class RecordedValues {
  /** Every recorded file whose records carry a Debezium envelope or a flattened row. */
  public static final List<String> FILES = List.of("postgresql/types.json", "mysql/products.json",
      "mysql/decimal-handling-modes.json", "mysql/time-precision-connect.json", "mysql/products-flattened.json",
      "mysql/products-state-only.json", "sqlserver/orders.json", "oracle/products.json", "mongodb/customers.json",
      "heartbeat.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private RecordedValues() { }

  /** A recorded record's key and value bytes (key null when it has none), as JsonConverter writes them. */
  public record Recorded(String topic, byte[] key, byte[] value) { }

  /** The records of {@code file} that have a value. */
  public static List<Recorded> records(String file) {
    try (InputStream in = RecordedValues.class.getResourceAsStream("/debezium-records/" + file)) {
      assertNotNull(in, file);
      List<Recorded> records = new ArrayList<>();
      for (JsonNode record : JSON.readTree(in)) {
        if (!record.get("value").isNull()) {
          JsonNode key = record.get("key");
          records.add(new Recorded(record.get("topic").asText(),
              key == null || key.isNull() ? null : JSON.writeValueAsBytes(key), JSON.writeValueAsBytes(record.get("value"))));
        }
      }
      return records;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that {@code read} holds, field by field and at every depth, the values (and classes) of {@code struct}. */
  public static void assertSameValues(Struct struct, FieldValues read, String where) {
    assertEquals(struct.schema(), read.schema(), where);
    for (Field field : struct.schema().fields()) {
      assertSame(struct.get(field), read.get(field), where + "." + field.name());
    }
  }

  private static void assertSame(Object expected, Object actual, String where) {
    if (expected instanceof Struct struct) {
      assertSameValues(struct, assertInstanceOf(FieldValues.class, actual, where), where);
    } else if (expected instanceof List<?> list) {
      List<?> read = assertInstanceOf(List.class, actual, where);
      assertEquals(list.size(), read.size(), where);
      for (int i = 0; i < list.size(); i++) {
        assertSame(list.get(i), read.get(i), where + "[" + i + "]");
      }
    } else if (expected instanceof byte[] bytes) {
      assertArrayEquals(bytes, assertInstanceOf(byte[].class, actual, where), where);
    } else {
      assertEquals(expected, actual, where);
      if (expected != null) {
        assertEquals(expected.getClass(), actual.getClass(), where);
      }
    }
  }
}
