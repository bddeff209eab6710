#pragma once

#include "model/units.h"
#include "util/result.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

QT_FORWARD_DECLARE_CLASS(QRegularExpression)

namespace mdsync {

enum class AttrType {
    String, // JSON string; maxLength in characters (UTF-8 code points)
    Integer, // JSON integer (a JSON number with no fraction is accepted; "12" is not)
    Decimal, // JSON number; optional min/max; `scale` = max decimals (more is an error, not rounded)
    Boolean, // JSON true/false
    Date, // "YYYY-MM-DD"
    DateTime, // RFC 3339; normalised to UTC "YYYY-MM-DDTHH:MM:SS[.fff]Z"
    Code, // JSON string, one of `codes`
    CodeSet, // JSON array of distinct codes from `codes`; normalised sorted
    Unit, // JSON string naming a unit of measure; normalised to the unit's canonical symbol;
          // optional `unitDimensions` restricts which dimensions are allowed
    Quantity, // {"value": number, "unit": "cm"} or "12.5 cm"; unit must be of `dimension`;
              // normalised to {"value": v converted, "unit": canonicalUnit}
    Reference, // JSON string: the key of an object of `refDomain` (existence is not checked at ingest)
    Table, // JSON array of objects whose fields are `columns` (each validated like an attribute)
};

std::string_view attrTypeName(AttrType t);

struct AttributeDef
{
    std::string name;
    AttrType type = AttrType::String;
    std::string group; // attribute group, e.g. "engineering"; empty for Table columns
    std::string label; // human-readable
    std::optional<int> maxLength; // String, Code
    std::string codeList; // Code/CodeSet: name of the model's code list
    std::vector<std::string> codes; // resolved from codeList (or inline "codes")
    std::optional<Dimension> dimension; // Quantity
    std::string canonicalUnit; // Quantity: unit symbol values are normalised to
    std::vector<Dimension> unitDimensions; // Unit: allowed dimensions (empty = any)
    std::optional<double> min, max; // Integer, Decimal, Quantity (after conversion)
    bool multiline = false; // String: tab and line breaks allowed (other control characters never are)
    std::optional<int> scale; // Decimal: max number of decimals
    std::string refDomain; // Reference
    std::vector<AttributeDef> columns; // Table
    std::vector<std::string> tableKey; // Table: columns whose combination must be unique per row
    bool required = false; // Table columns only: the column must be present in every row
    // Code/CodeSet: hash index of `codes`, built by fromJson for lists longer than 8 (else a linear scan).
    std::shared_ptr<const std::unordered_set<std::string>> codeIndex;

    bool hasCode(const std::string& code) const;

    const AttributeDef* column(std::string_view name) const;
};

struct DuplicateCheck
{
    enum class Action { Flag, Hold };
    std::vector<std::string> attributes; // descriptive: compared as text after normalisation (docs/DUPLICATES.md)
    std::vector<std::string> identifiers; // part number, tax id: equal is strong evidence for, different against
    double threshold = 0.85; // similarity 0..1 at or above which an object is a suspect
    Action action = Action::Flag; // Flag: accept + exception for review; Hold: no revision, exception
    bool enabled() const { return !attributes.empty() || !identifiers.empty(); }
    // The compared attributes in match-text order: the descriptive ones, then the identifiers.
    std::vector<std::string> fields() const
    {
        std::vector<std::string> f = attributes;
        f.insert(f.end(), identifiers.begin(), identifiers.end());
        return f;
    }
};

// A bill-of-materials-like structure of a domain ("structure" in the model): each object names a parent and lists
// component lines that reference objects of the parent's domain. Checked at ingest: no line names the parent, the
// structures never form a cycle (any depth), quantities are positive and a line's unit is of the dimension of the
// component's base unit (`componentUnit` of the component's domain, "base_uom").
struct Structure
{
    std::string parent; // reference attribute, e.g. "parent_item"
    std::string lines; // table attribute, e.g. "components"
    std::string component; // reference column of `lines`, e.g. "component"
    std::string quantity; // number column of `lines` (may be empty)
    std::string unit; // unit column of `lines` (may be empty)
    std::string componentUnit; // unit attribute of the component's domain the line unit must match, e.g. "base_uom"
    bool enabled() const { return !parent.empty() && !lines.empty(); }
};

struct DomainDef
{
    std::string name; // "item"
    std::string label; // "Item / material"
    std::string keyName; // "item_number": what the envelope's "key" means
    int keyMaxLength = 40;
    std::string keyPattern; // optional ECMAScript regex the key must match in full
    std::vector<AttributeDef> attributes;
    std::vector<std::string> groups; // attribute groups in display order
    std::string descriptionAttribute; // shown in lists, used by the duplicate check
    std::string lifecycleAttribute; // a Code attribute, e.g. "lifecycle_status"
    std::string initialState; // lifecycle state of a new object when the event does not say
    std::map<std::string, std::vector<std::string>> mandatoryByState; // state -> attributes
    std::string creatorGroup; // the owner of this group may create and delete objects of the domain
    std::vector<std::string> criticalGroups; // corrections touching these need four-eyes (issue 4)
    std::string plantAttribute; // Code or CodeSet attribute used by subscription plant filters (may be empty)
    DuplicateCheck duplicateCheck;
    Structure structure; // empty unless the model declares "structure"
    std::string hierarchy; // reference attribute to the same domain whose chains must not cycle ("hierarchy")
    // Retention ("retention": {"archive_superseded_after_days": N}, docs/RETENTION.md): a revision superseded more
    // than N days ago may have its payload moved into an archive file (`mdsyncctl archive`). Absent: kept forever.
    std::optional<int> archiveSupersededAfterDays;

    const AttributeDef* attribute(std::string_view name) const; // O(1)
    bool hasGroup(std::string_view group) const;

    // Names of attributes (and Table columns, as "table.column") that are References, with the domain
    // they reference. Used for dependency holds.
    std::vector<std::pair<std::string, std::string>> references() const;

    std::unordered_map<std::string, size_t> index; // attribute name -> position in `attributes`
    std::shared_ptr<const QRegularExpression> keyRegex; // keyPattern compiled once by fromJson (null: none)
};

// Collects the keys `state` references through one path of DomainDef::references() ("attr" or "table.column").
void collectReferences(const nlohmann::json& state, const std::string& path, std::vector<std::string>& out);
// Replaces the keys `state` references through one path by `replacement`'s answer (nullptr: kept). Returns how many
// it replaced (merges: docs/DUPLICATES.md "Merging").
int replaceReferences(nlohmann::json& state, const std::string& path,
    const std::function<const std::string*(const std::string&)>& replacement);

struct ValidationIssue
{
    std::string path; // "net_weight", "components[2].quantity", "key", "attributes"
    std::string message; // full sentence, names the path and the expectation
};

// The canonical model: domains with their schemas, code lists and units. Immutable once loaded.
class CanonicalModel
{
public:
    // Parses and cross-checks a model document (see resources/model/canonical-model.json). Errors name
    // the origin and the JSON path of the problem, e.g. "model.json: domains.item.attributes.net_weight:
    // unknown dimension 'weight'".
    static Result<CanonicalModel> fromJson(const nlohmann::json& doc, const QString& origin);
    static Result<CanonicalModel> fromFile(const QString& path);
    static Result<CanonicalModel> builtin(); // ":/mdsync/model/canonical-model.json"

    const std::string& version() const { return m_version; } // "version" of the document
    const std::string& contentHash() const { return m_hash; } // SHA-256 hex of the canonical JSON dump
    const nlohmann::json& document() const { return m_doc; }

    const DomainDef* domain(std::string_view name) const;
    const std::vector<DomainDef>& domains() const { return m_domains; }
    const UnitRegistry& units() const { return m_units; }
    const std::vector<std::string>* codeList(std::string_view name) const;

    // Checks a key of a domain (non-empty, length, pattern). Empty string when fine, else the message.
    std::string checkKey(const DomainDef& domain, std::string_view key) const;

    // Validates one attribute value from an event and normalises it in place (units converted to the
    // canonical unit, date-times to UTC, code sets sorted). A JSON null is valid (it clears the
    // attribute). Unknown attributes are an issue. Text is stored in NFC; control characters are an issue,
    // bidirectional overrides a warning (added to `warnings` when given). Returns true when no issue was added.
    bool normalise(const DomainDef& domain, const std::string& attribute, nlohmann::json& value,
        std::vector<ValidationIssue>& issues, std::vector<ValidationIssue>* warnings = nullptr) const;

    // Checks the mandatory-by-lifecycle rule on a full object state (after merge). The state's lifecycle
    // value (or the domain's initial state) selects the list. Returns true when no issue was added.
    bool checkMandatory(
        const DomainDef& domain, const nlohmann::json& state, std::vector<ValidationIssue>& issues) const;

private:
    std::string m_version;
    std::string m_hash;
    nlohmann::json m_doc;
    UnitRegistry m_units;
    std::vector<DomainDef> m_domains;
    std::unordered_map<std::string, std::vector<std::string>> m_codeLists;
};

} // namespace mdsync
