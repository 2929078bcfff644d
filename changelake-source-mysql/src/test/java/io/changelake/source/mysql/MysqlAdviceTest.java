package io.changelake.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.SourceAdvice;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options that run a sync as a given MySQL pipeline. */
class MysqlAdviceTest {

  @Test
  void namesTheDatabaseAndServerIdOfAPipelineNameTheProviderMade() {
    String name = new MysqlSourceProvider().pipelineName(Map.of("hostname", "localhost", "username", "u",
        "database-name", "shop-eu", "server-id", "5401"));
    String advice = new MysqlAdvice().runAs(name);
    assertTrue(advice.startsWith("run this sync with database-name=shop-eu and server-id=5401"), advice);
  }

  @Test
  void fallsBackToTheGenericTextForAnotherName() {
    assertEquals(SourceAdvice.GENERIC.runAs("lake"), new MysqlAdvice().runAs("lake"));
  }
}
