package io.changelake.sink.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The map against {@link HashMap} through puts, overwrites and removes that force resizes and repacking. */
class KeyPositionMapTest {
  @Test
  void behavesAsAHashMap() {
    KeyPositionMap map = new KeyPositionMap();
    Map<String, Long> expected = new HashMap<>();
    Random random = new Random(17);
    for (int i = 0; i < 300_000; i++) {
      String key = "k" + random.nextInt(60_000) + "x".repeat(random.nextInt(3) * 70);  // some keys > 127 bytes
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      int op = random.nextInt(10);
      if (op < 6) {
        long value = random.nextLong() & Long.MAX_VALUE;
        Long previous = expected.put(key, value);
        assertEquals(previous == null ? KeyPositionMap.ABSENT : previous, map.put(bytes, bytes.length, value), key);
      } else if (op < 9) {
        Long previous = expected.remove(key);
        assertEquals(previous == null ? KeyPositionMap.ABSENT : previous, map.remove(bytes, bytes.length), key);
      } else {
        Long value = expected.get(key);
        assertEquals(value == null ? KeyPositionMap.ABSENT : value, map.get(bytes, bytes.length), key);
      }
      assertEquals(expected.size(), map.size());
    }
    for (Map.Entry<String, Long> entry : expected.entrySet()) {
      byte[] bytes = entry.getKey().getBytes(StandardCharsets.UTF_8);
      assertEquals(entry.getValue(), map.get(bytes, bytes.length), entry.getKey());
    }
  }
}
