// SPDX-License-Identifier: MIT
// Helpers of the ONNX front-end tests: small models built with ONNX's protobuf classes, temp files.
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "common/errors.h"
#include "onnx/onnx_import.h"

namespace sasim::onnx_test {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("sasim_onnx_test_" + std::to_string(rd()));
        fs::create_directories(dir);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string write(const std::string& name, const std::string& bytes) const {
        const fs::path p = dir / name;
        std::ofstream(p, std::ios::binary) << bytes;
        return p.string();
    }
    fs::path dir;
};

// A dimension < 0 is written as the symbolic dim_param "N".
inline void set_shape(::onnx::ValueInfoProto* v, const std::vector<int64_t>& dims) {
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(::onnx::TensorProto::FLOAT);
    auto* shape = t->mutable_shape();
    for (int64_t d : dims) {
        if (d < 0) {
            shape->add_dim()->set_dim_param("N");
        } else {
            shape->add_dim()->set_dim_value(d);
        }
    }
}

class ModelBuilder {
public:
    explicit ModelBuilder(int opset = 17) {
        m.set_ir_version(8);
        m.set_producer_name("onnx_test_util");
        auto* op = m.add_opset_import();
        op->set_domain("");
        op->set_version(opset);
        m.mutable_graph()->set_name("test");
    }
    ::onnx::GraphProto& g() { return *m.mutable_graph(); }

    void input(const std::string& name, const std::vector<int64_t>& dims) {
        auto* v = g().add_input();
        v->set_name(name);
        set_shape(v, dims);
    }
    void output(const std::string& name) {
        auto* v = g().add_output();
        v->set_name(name);
        v->mutable_type()->mutable_tensor_type()->set_elem_type(::onnx::TensorProto::FLOAT);
    }
    // A float initializer of zeros (the bytes are present, as in a real model).
    void weight(const std::string& name, const std::vector<int64_t>& dims) {
        auto* t = g().add_initializer();
        t->set_name(name);
        t->set_data_type(::onnx::TensorProto::FLOAT);
        int64_t n = 1;
        for (int64_t d : dims) {
            t->add_dims(d);
            n *= d;
        }
        t->set_raw_data(std::string(static_cast<size_t>(n) * 4, '\0'));
    }
    void int64s(const std::string& name, const std::vector<int64_t>& values) {
        auto* t = g().add_initializer();
        t->set_name(name);
        t->set_data_type(::onnx::TensorProto::INT64);
        t->add_dims(static_cast<int64_t>(values.size()));
        for (int64_t v : values) t->add_int64_data(v);
    }
    ::onnx::NodeProto& node(const std::string& op, std::initializer_list<std::string> in,
                            std::initializer_list<std::string> out, const std::string& name = "",
                            const std::string& domain = "") {
        auto* n = g().add_node();
        n->set_op_type(op);
        n->set_name(name);
        n->set_domain(domain);
        for (const auto& s : in) n->add_input(s);
        for (const auto& s : out) n->add_output(s);
        return *n;
    }
    std::string bytes() const { return m.SerializeAsString(); }
    std::string save(const TempDir& t, const std::string& name = "model.onnx") const { return t.write(name, bytes()); }

    ::onnx::ModelProto m;
};

inline void attr_ints(::onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
}
inline void attr_int(::onnx::NodeProto& n, const std::string& name, int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::INT);
    a->set_i(v);
}
inline void attr_str(::onnx::NodeProto& n, const std::string& name, const std::string& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::STRING);
    a->set_s(v);
}

// The error lines of importing `path` (empty when it imports).
inline std::vector<std::string> import_errors(const std::string& path, const onnx_import::ImportOptions& o = {}) {
    try {
        onnx_import::import_model(path, o);
    } catch (const InputError& e) {
        return e.lines();
    }
    return {};
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace sasim::onnx_test
