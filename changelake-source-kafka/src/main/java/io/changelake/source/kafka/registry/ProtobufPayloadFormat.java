package io.changelake.source.kafka.registry;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * Protobuf payloads as Confluent's serializer writes them after the schema id: the <em>message
 * indexes</em> (a zig-zag varint count, then that many zig-zag varint indexes: the path from the
 * file's top-level messages down through nested ones to the record's message type; a count of 0
 * alone means {@code [0]}, the file's first message), then the message's bytes. The schema's
 * {@code .proto} text is compiled once per id by {@link ProtoFiles}, with the files it imports through
 * registry {@code references} fetched by subject and version; the message is parsed with
 * protobuf-java's {@link DynamicMessage} and turned into Connect data by {@link ProtobufToConnect}.
 */
final class ProtobufPayloadFormat implements PayloadFormat {
  private record Compiled(ProtoFiles.Compiled proto, ProtobufToConnect connect) { }

  private final SchemaRegistryClient registry;
  private final Map<Integer, Compiled> compiled = new ConcurrentHashMap<>();

  /** @param registry where the schemas a schema references (its imports) are fetched */
  ProtobufPayloadFormat(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public String schemaType() {
    return "PROTOBUF";
  }

  @Override
  public boolean readsReferences() {
    return true;
  }

  @Override
  public SchemaAndValue read(RegisteredSchema schema, ByteBuffer payload) {
    Compiled protobuf = compiled.computeIfAbsent(schema.id(), id -> {
      ProtoFiles.Compiled proto = ProtoFiles.compile(schema.text(), imports(schema));
      return new Compiled(proto, new ProtobufToConnect(proto.fieldParams()));
    });
    Descriptor type = messageType(protobuf.proto(), indexes(payload));
    DynamicMessage message;
    try {
      message = DynamicMessage.parseFrom(type, CodedInputStream.newInstance(payload));
    } catch (IOException e) { // InvalidProtocolBufferException: a CodedInputStream on a buffer reads nothing else
      throw new IllegalArgumentException("the bytes are not a Protobuf message " + type.getFullName() + " ("
          + e.getMessage() + ")", e);
    }
    Schema connect = protobuf.connect().schema(type);
    return new SchemaAndValue(connect, protobuf.connect().value(connect, message));
  }

  /** The files {@code schema} imports through its references, fetched from the registry when asked for. */
  private ProtoFiles.Imports imports(RegisteredSchema schema) {
    return path -> schema.references().stream().filter(reference -> reference.name().equals(path)).findFirst()
        .map(reference -> {
          RegisteredSchema target = registry.schema(reference.subject(), reference.version()).orElseThrow(
              () -> new IllegalArgumentException("the .proto schema imports \"" + path + "\" as reference "
                  + reference + ", which the schema registry at " + registry.url() + " does not hold"));
          if (!schemaType().equals(target.type())) {
            throw new IllegalArgumentException("the .proto schema imports \"" + path + "\" as reference " + reference
                + ", which is a " + target.type() + " schema, not a PROTOBUF one");
          }
          return new ProtoFiles.Source(target.text(), imports(target));
        });
  }

  /** Reads the message indexes off {@code payload}, leaving it at the message's first byte. */
  private static List<Integer> indexes(ByteBuffer payload) {
    int count = varint(payload);
    if (count == 0) {
      return List.of(0);
    }
    if (count < 0 || count > payload.remaining()) {
      throw new IllegalArgumentException("the message indexes after the schema id are not valid (count " + count
          + "): the record was not written by a Confluent Protobuf serializer");
    }
    List<Integer> indexes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      indexes.add(varint(payload));
    }
    return indexes;
  }

  private static int varint(ByteBuffer payload) {
    try {
      return ByteUtils.readVarint(payload);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the message indexes after the schema id end early or are not varints:"
          + " the record was not written by a Confluent Protobuf serializer", e);
    }
  }

  private static Descriptor messageType(ProtoFiles.Compiled proto, List<Integer> indexes) {
    List<Descriptor> candidates = proto.file().getMessageTypes();
    Descriptor type = null;
    for (int index : indexes) {
      if (index < 0 || index >= candidates.size()) {
        throw new IllegalArgumentException("message indexes " + indexes + " name no message of the schema (" + (
            type == null ? "it declares " + candidates.size() + " top-level messages"
                : type.getFullName() + " has " + candidates.size() + " nested messages")
            + "): the record was written with another schema");
      }
      type = candidates.get(index);
      candidates = type.getNestedTypes();
    }
    return type;
  }
}
