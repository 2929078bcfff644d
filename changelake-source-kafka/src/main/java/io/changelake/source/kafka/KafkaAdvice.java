package io.changelake.source.kafka;

import io.changelake.api.spi.SourceAdvice;

/** The Kafka source's fixes: a pipeline is named by the {@code name} option (else by its topic selection). */
final class KafkaAdvice implements SourceAdvice {

  @Override
  public String runAs(String pipeline) {
    return "run this sync with name=" + pipeline + " (without it a Kafka pipeline is named by its topic selection)";
  }
}
