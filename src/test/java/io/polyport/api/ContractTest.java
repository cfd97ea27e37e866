package io.polyport.api;

import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.polyport.users.v1.UsersProto;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * openapi.yaml and the proto describe the same API: every REST operation is an rpc and back, every
 * schema property is a field of the message of the same name with a compatible type and back, and
 * everything carries documentation.
 */
class ContractTest {
  static final ServiceDescriptor SERVICE = UsersProto.getDescriptor().findServiceByName("UserService");

  @SuppressWarnings("unchecked")
  static Map<String, Object> openApi() throws Exception {
    try (InputStream in = ContractTest.class.getResourceAsStream("/openapi.yaml")) {
      return new Yaml().load(in);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> operations(Map<String, Object> api) {
    List<Map<String, Object>> ops = new ArrayList<>();
    for (Object item : ((Map<String, Object>) api.get("paths")).values()) {
      for (Object op : ((Map<String, Object>) item).values()) {
        if (op instanceof Map<?, ?> m && m.containsKey("operationId")) {
          ops.add((Map<String, Object>) m);
        }
      }
    }
    return ops;
  }

  @SuppressWarnings("unchecked")
  static boolean isOps(Map<String, Object> op) {
    return ((List<String>) op.getOrDefault("tags", List.of())).contains("ops");
  }

  @Test
  void everyOperationIsAnRpcAndEveryRpcAnOperation() throws Exception {
    Set<String> rpcs = new TreeSet<>();
    SERVICE.getMethods().forEach(m -> rpcs.add(m.getName()));
    Set<String> operations = new TreeSet<>();
    for (var op : operations(openApi())) {
      if (!isOps(op)) {
        String id = (String) op.get("operationId");
        operations.add(Character.toUpperCase(id.charAt(0)) + id.substring(1));
      }
    }
    assertThat(operations).isEqualTo(rpcs);
  }

  @SuppressWarnings("unchecked")
  @Test
  void everySchemaPropertyIsAFieldOfTheSameMessageAndBack() throws Exception {
    var schemas = (Map<String, Map<String, Object>>) ((Map<String, Object>) openApi().get("components")).get("schemas");
    int checked = 0;
    for (var entry : schemas.entrySet()) {
      Descriptor message = UsersProto.getDescriptor().findMessageTypeByName(entry.getKey());
      if (message == null) {
        continue;
      }
      checked++;
      var props = (Map<String, Map<String, Object>>) entry.getValue().get("properties");
      Set<String> fields = new HashSet<>();
      for (FieldDescriptor f : message.getFields()) {
        fields.add(f.getJsonName());
        assertThat(props).as("%s has property %s", entry.getKey(), f.getJsonName()).containsKey(f.getJsonName());
        assertCompatible(entry.getKey() + "." + f.getJsonName(), props.get(f.getJsonName()), f);
      }
      assertThat(props.keySet()).as("properties of %s", entry.getKey()).isEqualTo(fields);
      assertThat(entry.getValue().get("additionalProperties")).as("%s is closed", entry.getKey()).isEqualTo(false);
    }
    assertThat(checked).isGreaterThanOrEqualTo(10);

    // the PATCH body: the mutable fields of User, with the same types
    Descriptor user = io.polyport.users.v1.User.getDescriptor();
    var patch = (Map<String, Map<String, Object>>) schemas.get("UserPatch").get("properties");
    assertThat(patch.keySet()).containsExactlyInAnyOrder("name", "email", "age", "tags");
    for (var p : patch.entrySet()) {
      assertCompatible("UserPatch." + p.getKey(), p.getValue(), user.findFieldByName(p.getKey()));
    }
  }

  @SuppressWarnings("unchecked")
  static void assertCompatible(String where, Map<String, Object> schema, FieldDescriptor field) {
    if (field.isRepeated()) {
      assertThat(schema.get("type")).as(where).isEqualTo("array");
      schema = (Map<String, Object>) schema.get("items");
    }
    Object type = schema.get("type");
    String ref = (String) schema.get("$ref");
    switch (field.getJavaType()) {
      case STRING -> assertThat(type).as(where).isEqualTo("string");
      case INT, LONG -> assertThat(type instanceof List<?> l ? l.get(0) : type).as(where).isEqualTo("integer");
      case BOOLEAN -> assertThat(type).as(where).isEqualTo("boolean");
      case ENUM -> {
        EnumDescriptor e = field.getEnumType();
        List<String> names = e.getValues().stream().map(v -> v.getName()).toList();
        assertThat((List<String>) schema.get("enum")).as(where).containsExactlyElementsOf(names);
      }
      case MESSAGE -> {
        String name = field.getMessageType().getFullName();
        switch (name) {
          case "google.protobuf.Timestamp" -> {
            assertThat(type).as(where).isEqualTo("string");
            assertThat(schema.get("format")).as(where).isEqualTo("date-time");
          }
          case "google.protobuf.FieldMask" -> assertThat(type).as(where).isEqualTo("string");
          default -> assertThat(ref).as(where).isEqualTo("#/components/schemas/" + field.getMessageType().getName());
        }
      }
      default -> throw new AssertionError(where + ": unexpected proto type " + field.getJavaType());
    }
  }

  @Test
  void everyOperationAndPropertyIsDocumented() throws Exception {
    for (var op : operations(openApi())) {
      assertThat((String) op.get("description")).as("description of %s", op.get("operationId")).isNotBlank();
    }
  }

  @Test
  void everyRpcMessageAndFieldOfTheProtoIsDocumented() throws Exception {
    DescriptorProtos.FileDescriptorSet set;
    try (InputStream in = ContractTest.class.getResourceAsStream("/proto/polyport.desc")) {
      set = DescriptorProtos.FileDescriptorSet.parseFrom(in);
    }
    var file = set.getFileList().stream().filter(f -> f.getName().equals("polyport/users/v1/users.proto")).findFirst().orElseThrow();
    Set<String> documented = new HashSet<>();
    for (var loc : file.getSourceCodeInfo().getLocationList()) {
      if (!loc.getLeadingComments().isBlank()) {
        documented.add(loc.getPathList().toString());
      }
    }
    List<String> missing = new ArrayList<>();
    for (int s = 0; s < file.getServiceCount(); s++) {
      for (int m = 0; m < file.getService(s).getMethodCount(); m++) {
        if (!documented.contains(List.of(6, s, 2, m).toString())) {
          missing.add("rpc " + file.getService(s).getMethod(m).getName());
        }
      }
    }
    for (int i = 0; i < file.getMessageTypeCount(); i++) {
      var msg = file.getMessageType(i);
      if (!documented.contains(List.of(4, i).toString())) {
        missing.add("message " + msg.getName());
      }
      for (int f = 0; f < msg.getFieldCount(); f++) {
        if (!documented.contains(List.of(4, i, 2, f).toString())) {
          missing.add("field " + msg.getName() + "." + msg.getField(f).getName());
        }
      }
    }
    for (int e = 0; e < file.getEnumTypeCount(); e++) {
      for (int v = 0; v < file.getEnumType(e).getValueCount(); v++) {
        if (!documented.contains(List.of(5, e, 2, v).toString())) {
          missing.add("enum value " + file.getEnumType(e).getValue(v).getName());
        }
      }
    }
    assertThat(missing).isEmpty();
  }

}
