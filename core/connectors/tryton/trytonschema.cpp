#include "connectors/tryton/trytonschema.h"

namespace mdsync::tryton {

const FieldDef* DomainSchema::field(std::string_view name) const
{
    for (const FieldDef& f : fields)
        if (f.name == name)
            return &f;
    return nullptr;
}

const RowsDef* DomainSchema::rowsOf(std::string_view name) const
{
    for (const RowsDef& r : rows)
        if (r.field == name)
            return &r;
    return nullptr;
}

FieldKind DomainSchema::kindOf(std::string_view name) const
{
    const FieldDef* f = field(name);
    return f ? f->kind : FieldKind::Plain;
}

namespace {

std::vector<DomainSchema> makeTrytonSchemas()
{
    using K = FieldKind;
    std::vector<DomainSchema> s;
    s.push_back({ "item", "product.template", "code",
        { { "code", K::Plain }, { "name", K::Plain }, { "type", K::Plain }, { "default_uom", K::Uom },
            { "purchase_uom", K::Uom }, { "list_price", K::Decimal }, { "cost_price", K::VariantDecimal },
            { "weight", K::Plain }, { "weight_uom", K::Uom }, { "length", K::Plain }, { "length_uom", K::Uom },
            { "width", K::Plain }, { "width_uom", K::Uom }, { "height", K::Plain }, { "height_uom", K::Uom },
            { "volume", K::Plain }, { "volume_uom", K::Uom }, { "purchasable", K::Bool }, { "producible", K::Bool },
            { "active", K::Bool }, { "product_suppliers", K::SupplierLink } },
        {} });
    for (const char* party : { "supplier", "customer" })
        s.push_back({ party, "party.party", "code",
            { { "code", K::Plain }, { "name", K::Plain }, { "active", K::Bool } }, {} });
    s.push_back({ "location", "stock.location", "code",
        { { "code", K::Plain }, { "name", K::Plain }, { "type", K::Plain }, { "parent", K::Location },
            { "active", K::Bool } },
        {} });
    s.push_back({ "bom", "production.bom", "name",
        { { "name", K::Plain }, { "active", K::Bool }, { "inputs", K::Rows }, { "output_product", K::OutputProduct },
            { "output_quantity", K::OutputQuantity }, { "output_uom", K::OutputUom } },
        { { "inputs", "production.bom.input",
            { { "product", K::Product }, { "quantity", K::Plain }, { "uom", K::Uom } } } } });
    s.push_back({ "routing", "production.routing", "name",
        { { "name", K::Plain }, { "active", K::Bool }, { "steps", K::Rows } },
        { { "steps", "production.routing.step", { { "sequence", K::Plain }, { "operation", K::Operation } } } } });
    return s;
}

} // namespace

const DomainSchema* schemaFor(std::string_view domain)
{
    static const std::vector<DomainSchema> schemas = makeTrytonSchemas();
    for (const DomainSchema& d : schemas)
        if (d.domain == domain)
            return &d;
    return nullptr;
}

} // namespace mdsync::tryton
