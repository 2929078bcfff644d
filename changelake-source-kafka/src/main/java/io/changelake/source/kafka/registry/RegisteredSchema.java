package io.changelake.source.kafka.registry;

import java.util.List;
import java.util.Objects;

/**
 * A schema as the registry holds it under an id.
 *
 * @param id the id records carry in their header
 * @param type {@code AVRO}, {@code JSON} or {@code PROTOBUF} (the registry omits it for Avro)
 * @param text the schema's text: Avro JSON, a JSON Schema, or {@code .proto} source
 * @param references the schemas it imports (empty for self-contained schemas)
 */
public record RegisteredSchema(int id, String type, String text, List<Reference> references) {

  /**
   * A schema another one imports: by {@code name} (for Protobuf the import path), registered under
   * {@code subject} at {@code version}.
   */
  public record Reference(String name, String subject, int version) {
    @Override
    public String toString() {
      return name + " (" + subject + "/" + version + ")";
    }
  }

  public RegisteredSchema {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(text, "text");
    references = List.copyOf(references);
  }
}
