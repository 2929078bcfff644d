package io.changelake.source.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaPositionTest {
  private static final TopicPartition A0 = new TopicPartition("a.b", 0);
  private static final TopicPartition A1 = new TopicPartition("a.b", 1);

  @Test
  void serializedFormRoundTrips() {
    KafkaPosition position = KafkaPosition.of(Map.of(A1, 7L, A0, 12L));
    assertEquals("a.b:0=12,a.b:1=7", position.serialize());
    assertEquals(position, KafkaPosition.parse(position.serialize()));
    assertEquals(KafkaPosition.of(Map.of()), KafkaPosition.parse(""));
  }

  @Test
  void aRecordIsHeldExactlyWhenItsPartitionsCommittedNextOffsetIsBeyondIt() {
    KafkaPosition committed = KafkaPosition.of(Map.of(A0, 10L, A1, 3L));
    KafkaPosition base = KafkaPosition.of(Map.of(A0, 0L, A1, 0L));
    assertTrue(base.afterRecord(A0, 9).compareTo(committed) < 0);
    assertTrue(base.afterRecord(A0, 10).compareTo(committed) > 0);
    assertTrue(base.afterRecord(A1, 2).compareTo(committed) < 0);
    assertTrue(base.afterRecord(A1, 3).compareTo(committed) > 0);
    // a vector ahead in another partition does not make an unheld record held, nor the reverse
    KafkaPosition skewed = KafkaPosition.of(Map.of(A0, 50L, A1, 0L));
    assertTrue(skewed.afterRecord(A1, 5).compareTo(committed) > 0);
    assertTrue(KafkaPosition.of(Map.of(A0, 0L, A1, 9L)).afterRecord(A0, 4).compareTo(committed) < 0);
    // a partition the committed vector lacks holds nothing
    assertTrue(KafkaPosition.of(Map.of(A0, 0L)).afterRecord(A0, 0).compareTo(KafkaPosition.of(Map.of(A1, 9L))) > 0);
  }

  @Test
  void vectorsOrderComponentWiseAndTotallyWhenIncomparable() {
    KafkaPosition low = KafkaPosition.of(Map.of(A0, 1L, A1, 1L));
    KafkaPosition high = KafkaPosition.of(Map.of(A0, 2L, A1, 1L));
    KafkaPosition other = KafkaPosition.of(Map.of(A0, 0L, A1, 5L));
    assertTrue(low.compareTo(high) < 0 && high.compareTo(low) > 0);
    assertEquals(0, low.compareTo(KafkaPosition.of(Map.of(A0, 1L, A1, 1L))));
    assertTrue(high.compareTo(other) < 0 && other.compareTo(high) > 0);
    assertTrue(KafkaPosition.of(Map.of(A0, 1L)).compareTo(low) < 0);
    assertEquals(low, Stream.of(high, low, other).min(KafkaPosition::compareTo).orElseThrow());
    // a vector against a record: the inverse of the record's skip test
    assertTrue(low.compareTo(low.afterRecord(A0, 0)) > 0);
    assertTrue(low.compareTo(low.afterRecord(A0, 1)) < 0);
  }

  @Test
  void aRecordsPositionCarriesTheVectorJustAfterIt() {
    KafkaPosition after = KafkaPosition.of(Map.of(A0, 4L, A1, 2L)).afterRecord(A1, 2);
    assertEquals(List.of(4L, 3L), List.copyOf(after.offsets().values()));
    assertEquals("a.b:0=4,a.b:1=3", after.serialize());
    assertEquals("a.b-1@2 [a.b:0=4,a.b:1=3]", after.describe());
    assertTrue(after.record());
    assertTrue(!KafkaPosition.parse(after.serialize()).record());
  }
}
