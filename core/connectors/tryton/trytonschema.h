#pragma once

// How the Tryton connector stores a contract's target fields in Tryton 6.0 models (docs/TRYTON.md). The
// contracts (resources/contracts, version "tryton-1") say which canonical attribute becomes which target field
// and in which unit/code; this table says how a target field is written to and read from Tryton: plain values,
// typed Decimals, and references the connector resolves (a unit symbol to a product.uom id, an item number to a
// product.product id, ...).

#include <string>
#include <string_view>
#include <vector>

namespace mdsync::tryton {

enum class FieldKind {
    Plain, // char, float, integer, selection: sent and read as is
    Bool, // boolean (SQLite gives 0/1 back)
    Decimal, // numeric: {"__class__": "Decimal", "decimal": "12.5"}
    Uom, // many2one product.uom by its symbol ("u", "kg", "cm")
    Product, // many2one product.product by its code (an item number)
    Party, // many2one party.party by its code
    Location, // many2one stock.location by its code
    Operation, // many2one production.routing.operation by its name (created when missing)
    VariantDecimal, // a numeric of the template's variant (product.product), e.g. cost_price
    SupplierLink, // a purchase.product_supplier of the template with this party code (added when missing)
    Rows, // one2many rows, replaced as a whole on update (see RowsDef)
    OutputProduct, // production.bom outputs: one row made of these three fields
    OutputQuantity,
    OutputUom,
};

struct FieldDef
{
    std::string name;
    FieldKind kind = FieldKind::Plain;
};

struct RowsDef
{
    std::string field; // "inputs"
    std::string model; // "production.bom.input"
    std::vector<FieldDef> columns;
};

struct DomainSchema
{
    std::string domain; // canonical domain
    std::string model; // Tryton model
    std::string keyField; // searched with the object key: "code" or "name"
    std::vector<FieldDef> fields;
    std::vector<RowsDef> rows;

    const FieldDef* field(std::string_view name) const;
    const RowsDef* rowsOf(std::string_view name) const;
    FieldKind kindOf(std::string_view name) const; // Plain when unknown
};

// The schema of a canonical domain (item, supplier, customer, location, bom, routing); nullptr otherwise.
const DomainSchema* schemaFor(std::string_view domain);

} // namespace mdsync::tryton
