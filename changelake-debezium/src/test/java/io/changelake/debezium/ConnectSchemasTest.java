package io.changelake.debezium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.changelake.api.model.TableSchema;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The schema cache: one TableSchema per distinct row schema and key. */
class ConnectSchemasTest {

  private static Schema row() {
    return SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("v", Schema.OPTIONAL_STRING_SCHEMA).build();
  }

  @Test
  void givesOneInstancePerSchemaAndKey() {
    ConnectSchemas schemas = new ConnectSchemas();
    Schema row = row();
    Schema key = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    TableSchema keyed = schemas.tableSchema(row, key);
    assertSame(keyed, schemas.tableSchema(row, key));
    assertSame(keyed, schemas.tableSchema(row(), key), "an equal schema from another converter instance");
    assertEquals(List.of("id"), keyed.primaryKey());

    TableSchema keyless = schemas.tableSchema(row, (Schema) null);
    assertEquals(List.of(), keyless.primaryKey());
    assertNotSame(keyed, keyless);
    assertSame(keyed, schemas.tableSchema(row, List.of("id")));
    assertSame(keyless, schemas.tableSchema(row, (Schema) null), "no key after a keyed lookup of the same row");
  }
}
