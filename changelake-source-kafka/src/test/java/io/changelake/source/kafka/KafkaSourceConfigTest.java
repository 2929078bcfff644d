package io.changelake.source.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaSourceConfigTest {
  private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
      + " username=\"u\" password=\"kafka-s3cret\";";

  @Test
  void consumerOptionsPassThroughAndTheirSecretsAreMasked() {
    KafkaSourceConfig config = KafkaSourceConfig.parse(Map.of("bootstrap.servers", "b:9092", "topics", "a, b",
        "consumer.security.protocol", "SASL_SSL", "consumer.sasl.jaas.config", JAAS,
        "consumer.ssl.truststore.password", "trust-s3cret"));
    Properties properties = config.consumerProperties();
    assertEquals("SASL_SSL", properties.get("security.protocol"));
    assertEquals(JAAS, properties.get("sasl.jaas.config"));
    assertEquals("false", properties.get("enable.auto.commit"));
    assertEquals("changelake-a_b", properties.get("group.id"));
    assertEquals(java.util.List.of("a", "b"), config.topics());
    assertFalse(config.toString().contains("s3cret"), config::toString);
  }

  @Test
  void refusesBothOrNeitherTopicSelectionAndTheSettingsItOwns() {
    ConfigException neither = assertThrows(ConfigException.class,
        () -> KafkaSourceConfig.parse(Map.of("bootstrap.servers", "b:9092")));
    assertTrue(neither.getMessage().contains("either 'topics'"), neither::getMessage);
    assertThrows(ConfigException.class, () -> KafkaSourceConfig.parse(Map.of("bootstrap.servers", "b:9092",
        "topics", "a", "topic.pattern", "a.*")));
    ConfigException owned = assertThrows(ConfigException.class, () -> KafkaSourceConfig.parse(Map.of(
        "bootstrap.servers", "b:9092", "topics", "a", "consumer.group.id", "g")));
    assertTrue(owned.getMessage().contains("use 'name'"), owned::getMessage);
    assertThrows(ConfigException.class, () -> KafkaSourceConfig.parse(Map.of("bootstrap.servers", "b:9092",
        "topic.pattern", "(")));
  }

  @Test
  void onErrorDefaultsToFailAndTakesSkipWithItsErrorsTableOrSuspend() {
    KafkaSourceConfig defaults = KafkaSourceConfig.parse(Map.of("bootstrap.servers", "b:9092", "topics", "a"));
    assertEquals(OnError.FAIL, defaults.onError());
    assertEquals("_changelake_errors", defaults.errorsTable());
    KafkaSourceConfig skip = KafkaSourceConfig.parse(Map.of("bootstrap.servers", "b:9092", "topics", "a",
        "on-error", "skip", "errors.table", "orders_errors"));
    assertEquals(OnError.SKIP, skip.onError());
    assertEquals("orders_errors", skip.errorsTable());
    assertEquals(OnError.SUSPEND, KafkaSourceConfig.parse(Map.of("bootstrap.servers", "b:9092", "topics", "a",
        "on-error", "suspend")).onError());
    assertTrue(KafkaSourceConfig.DEFINITION.help().contains("record_failure_strategy"));
  }

  @Test
  void refusesAnUnknownStrategyAnErrorsTableWithoutSkipAndABadTableName() {
    ConfigException unknown = assertThrows(ConfigException.class, () -> KafkaSourceConfig.parse(Map.of(
        "bootstrap.servers", "b:9092", "topics", "a", "on-error", "ignore")));
    assertTrue(unknown.getMessage().contains("on-error") && unknown.getMessage().contains("skip"),
        unknown::getMessage);
    ConfigException withoutSkip = assertThrows(ConfigException.class, () -> KafkaSourceConfig.parse(Map.of(
        "bootstrap.servers", "b:9092", "topics", "a", "on-error", "suspend", "errors.table", "errs")));
    assertTrue(withoutSkip.getMessage().contains("set on-error=skip"), withoutSkip::getMessage);
    ConfigException badName = assertThrows(ConfigException.class, () -> KafkaSourceConfig.parse(Map.of(
        "bootstrap.servers", "b:9092", "topics", "a", "on-error", "skip", "errors.table", "lake.errors")));
    assertTrue(badName.getMessage().contains("errors.table"), badName::getMessage);
  }

  @Test
  void dynamoDbNumbersAreDecimalsUnlessReadAsTextAndOnlyForTheDynamoDbEnvelope() {
    assertFalse(KafkaSourceConfig.parse(Map.of("bootstrap.servers", "b:9092", "topics", "a", "envelope", "dynamodb"))
        .dynamoDbNumbersAsText());
    assertTrue(KafkaSourceConfig.parse(Map.of("bootstrap.servers", "b:9092", "topics", "a", "envelope", "dynamodb",
        "dynamodb.numbers", "string")).dynamoDbNumbersAsText());
    ConfigException otherEnvelope = assertThrows(ConfigException.class, () -> KafkaSourceConfig.parse(Map.of(
        "bootstrap.servers", "b:9092", "topics", "a", "dynamodb.numbers", "string")));
    assertEquals("'dynamodb.numbers' types the number attributes of envelope=dynamodb, but envelope is debezium: set"
        + " envelope=dynamodb, or remove dynamodb.numbers.", otherEnvelope.getMessage());
  }
}
