"""The names of properties and classes a page shows, in the interface language.

Our own terms are named by the vocabulary in the store (``rdfs:label``, and
``owl:inverseOf`` for the inverse reading); the vocabularies we reuse by
:data:`PROPERTY_LABELS` and :data:`CLASS_LABELS` (schema.org labels its terms in
English only). The inverse reading names a group of incoming links: "organise" for
the events an actor organises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import chain

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS

from ..labels import Languages, fallback_label
from ..namespaces import DQV, IGEO, MED, SDO
from ..store import Store

#: property → (French, English, French inverse, English inverse). Inverse labels name a group
#: of incoming links on the linked resource's page ("organise": the events it organises).
PROPERTY_LABELS: dict[URIRef, tuple[str, str, str, str]] = {
    RDF.type: ("type", "type", "instances", "instances"),
    SDO.name: ("nom", "name", "nom de", "name of"),
    SDO.alternateName: ("autre nom", "alternate name", "autre nom de", "alternate name of"),
    SDO.description: ("description", "description", "description de", "description of"),
    SDO.startDate: ("début", "start", "début de", "start of"),
    SDO.endDate: ("fin", "end", "fin de", "end of"),
    SDO.eventStatus: ("statut", "status", "statut de", "status of"),
    SDO.eventAttendanceMode: ("participation", "attendance mode", "mode de", "mode of"),
    SDO.location: ("lieu", "place", "lieu de", "venue of"),
    SDO.organizer: ("organisé par", "organised by", "organise", "organises"),
    SDO.performer: ("intervenant", "performer", "intervient dans", "performs in"),
    SDO.contributor: ("contributeur", "contributor", "contribue à", "contributes to"),
    SDO.audience: ("public", "audience", "public de", "audience of"),
    SDO.about: ("sujet", "about", "traité dans", "subject of"),
    SDO.superEvent: ("fait partie de", "part of", "comprend", "includes"),
    SDO.subEvent: ("programme", "programme", "fait partie de", "part of"),
    SDO.subjectOf: ("présenté dans", "subject of", "présente", "presents"),
    SDO.position: ("position", "position", "position de", "position of"),
    SDO.headline: ("titre", "headline", "titre de", "headline of"),
    SDO.abstract: ("chapô", "abstract", "chapô de", "abstract of"),
    SDO.url: ("adresse web", "web address", "adresse de", "address of"),
    SDO.datePublished: ("publié le", "published", "date de", "date of"),
    SDO.dateModified: ("modifié le", "modified", "date de", "date of"),
    SDO.dateCreated: ("créé le", "created", "date de", "date of"),
    SDO.inLanguage: ("langue", "language", "langue de", "language of"),
    SDO.publisher: ("éditeur", "publisher", "publie", "publishes"),
    SDO.author: ("auteur", "author", "auteur de", "author of"),
    SDO.spatialCoverage: ("territoire couvert", "spatial coverage", "couvert par", "covered by"),
    SDO.mentions: ("mentionne", "mentions", "mentionné dans", "mentioned in"),
    SDO.associatedMedia: ("document associé", "associated media", "associé à", "associated with"),
    SDO.citation: ("cite", "cites", "cité par", "cited by"),
    SDO.identifier: ("identifiant", "identifier", "identifiant de", "identifier of"),
    SDO.articleBody: ("texte", "text", "texte de", "text of"),
    SDO.keywords: ("mots-clés", "keywords", "mot-clé de", "keyword of"),
    SDO.sharedContent: ("contenu partagé", "shared content", "partagé dans", "shared in"),
    SDO.sameAs: ("même que", "same as", "même que", "same as"),
    SDO.text: ("texte", "text", "texte de", "text of"),
    SDO.roleName: ("rôle", "role", "rôle de", "role of"),
    SDO.address: ("adresse", "address", "adresse de", "address of"),
    SDO.addressLocality: ("localité", "locality", "localité de", "locality of"),
    SDO.addressRegion: ("région", "region", "région de", "region of"),
    SDO.addressCountry: ("pays", "country", "pays de", "country of"),
    SDO.postalCode: ("code postal", "postal code", "code postal de", "postal code of"),
    SDO.containedInPlace: ("situé dans", "contained in", "contient", "contains"),
    SDO.containsPlace: ("contient", "contains", "situé dans", "contained in"),
    SDO.areaServed: (
        "territoire d'action",
        "area served",
        "territoire d'action de",
        "area served by",
    ),
    SDO.givenName: ("prénom", "given name", "prénom de", "given name of"),
    SDO.familyName: ("nom de famille", "family name", "nom de famille de", "family name of"),
    SDO.jobTitle: ("fonction", "job title", "fonction de", "job title of"),
    SDO.worksFor: ("travaille pour", "works for", "emploie", "employs"),
    SDO.affiliation: ("affiliation", "affiliation", "personnes affiliées", "affiliated people"),
    SDO.memberOf: ("membre de", "member of", "membres", "members"),
    SDO.member: ("membres", "members", "membre de", "member of"),
    SDO.contentUrl: ("fichier", "file", "fichier de", "file of"),
    SDO.encodingFormat: ("format", "format", "format de", "format of"),
    SDO.contentSize: ("taille", "size", "taille de", "size of"),
    SDO.hasPart: ("comprend", "has part", "partie de", "part of"),
    SDO.isPartOf: ("partie de", "part of", "comprend", "has part"),
    SDO.pageStart: ("page", "page", "page de", "page of"),
    SDO.pageEnd: ("dernière page", "last page", "dernière page de", "last page of"),
    SDO.license: ("licence", "licence", "licence de", "licence of"),
    SDO.inDefinedTermSet: ("référentiel", "term set", "termes", "terms"),
    SDO.propertyID: ("référentiel", "scheme", "référentiel de", "scheme of"),
    SDO.value: ("valeur", "value", "valeur de", "value of"),
    SDO.recordedIn: ("consigné dans", "recorded in", "consigne", "records"),
    SDO.creativeWorkStatus: ("statut", "status", "statut de", "status of"),
    SDO.target: ("point d'accès", "endpoint", "point d'accès de", "endpoint of"),
    SDO.image: ("image", "image", "image de", "image of"),
    SKOS.prefLabel: ("libellé", "label", "libellé de", "label of"),
    SKOS.altLabel: (
        "autre libellé",
        "alternative label",
        "autre libellé de",
        "alternative label of",
    ),
    SKOS.definition: ("définition", "definition", "définition de", "definition of"),
    SKOS.notation: ("code", "notation", "code de", "notation of"),
    SKOS.inScheme: ("référentiel", "scheme", "concepts", "concepts"),
    SKOS.topConceptOf: ("concept de tête de", "top concept of", "concepts de tête", "top concepts"),
    SKOS.hasTopConcept: (
        "concepts de tête",
        "top concepts",
        "concept de tête de",
        "top concept of",
    ),
    SKOS.broader: ("plus général", "broader", "plus spécifiques", "narrower"),
    SKOS.narrower: ("plus spécifiques", "narrower", "plus général", "broader"),
    SKOS.related: ("apparenté", "related", "apparenté", "related"),
    SKOS.exactMatch: ("équivalent exact", "exact match", "équivalent exact", "exact match"),
    SKOS.closeMatch: ("équivalent proche", "close match", "équivalent proche", "close match"),
    SKOS.changeNote: ("historique", "change note", "historique de", "change note of"),
    SKOS.scopeNote: ("note d'application", "scope note", "note de", "note of"),
    DCTERMS.source: ("source", "source", "source de", "source of"),
    DCTERMS.license: ("licence", "licence", "licence de", "licence of"),
    DCTERMS.title: ("titre", "title", "titre de", "title of"),
    DCTERMS.description: ("description", "description", "description de", "description of"),
    DCTERMS.creator: ("auteur", "creator", "auteur de", "creator of"),
    DCTERMS.publisher: ("éditeur", "publisher", "publie", "publishes"),
    DCTERMS.issued: ("publié le", "issued", "date de", "date of"),
    DCTERMS.modified: ("modifié le", "modified", "date de", "date of"),
    DCTERMS.created: ("créé le", "created", "date de", "date of"),
    DCTERMS.identifier: ("identifiant", "identifier", "identifiant de", "identifier of"),
    PROV.wasDerivedFrom: ("tiré de", "derived from", "source de", "source of"),
    PROV.wasAttributedTo: ("attribué à", "attributed to", "responsable de", "responsible for"),
    PROV.generatedAtTime: ("produit le", "generated", "date de", "date of"),
    RDFS.label: ("libellé", "label", "libellé de", "label of"),
    RDFS.comment: ("commentaire", "comment", "commentaire de", "comment of"),
    RDFS.seeAlso: ("voir aussi", "see also", "cité en renvoi par", "referenced by"),
    RDFS.subClassOf: ("sous-classe de", "subclass of", "sous-classes", "subclasses"),
    RDFS.subPropertyOf: ("sous-propriété de", "subproperty of", "sous-propriétés", "subproperties"),
    RDFS.domain: ("domaine", "domain", "domaine de", "domain of"),
    RDFS.range: ("valeurs", "range", "valeurs de", "range of"),
    RDFS.isDefinedBy: ("défini par", "defined by", "définit", "defines"),
    OWL.inverseOf: ("inverse de", "inverse of", "inverse de", "inverse of"),
    OWL.versionIRI: ("IRI de version", "version IRI", "version de", "version of"),
    OWL.versionInfo: ("version", "version", "version de", "version of"),
    OWL.sameAs: ("même que", "same as", "même que", "same as"),
    IGEO.codeINSEE: ("code Insee", "INSEE code", "code Insee de", "INSEE code of"),
    MED.hasRole: ("rôles", "roles", "dans l'événement", "in event"),
    MED.inEvent: ("dans l'événement", "in event", "rôles", "roles"),
    MED.agent: ("acteur", "actor", "rôles tenus", "roles played"),
    MED.onBehalfOf: (
        "au titre de",
        "on behalf of",
        "rôles tenus en son nom",
        "roles played on its behalf",
    ),
    MED.roleType: ("type de rôle", "role type", "rôles de ce type", "roles of this type"),
    MED.follows: ("fait suite à", "follows", "suivi de", "followed by"),
    MED.restitutes: (
        "restitue",
        "presents the outcomes of",
        "restitué par",
        "outcomes presented in",
    ),
    MED.mission: ("mission", "mission", "mission de", "mission of"),
    MED.recognisedBy: ("reconnu par", "recognised by", "reconnaît", "recognises"),
    MED.supportedBy: ("soutenu par", "supported by", "soutient", "supports"),
    MED.embeds: ("intègre", "embeds", "intégré dans", "embedded in"),
    MED.curationStatus: ("statut de curation", "curation status", "statut de", "status of"),
    MED.report: ("compte rendu", "report", "compte rendu de", "report of"),
    MED.finding: ("apport", "finding", "apport de", "finding of"),
    MED.debate: ("débat", "debate", "débattu dans", "debated in"),
    MED.impliedProperty: (
        "propriété schema.org",
        "schema.org property",
        "impliquée par",
        "implied by",
    ),
}

#: class → (French, English), for the classes we reuse (ours are labelled in the vocabulary).
CLASS_LABELS: dict[URIRef, tuple[str, str]] = {
    SDO.Event: ("Événement", "Event"),
    SDO.EventSeries: ("Série d'événements", "Event series"),
    SDO.Organization: ("Organisation", "Organization"),
    SDO.NGO: ("Association", "NGO"),
    SDO.GovernmentOrganization: ("Administration", "Government organization"),
    SDO.Person: ("Personne", "Person"),
    SDO.Place: ("Lieu", "Place"),
    SDO.LocalBusiness: ("Établissement", "Local business"),
    SDO.AdministrativeArea: ("Territoire administratif", "Administrative area"),
    SDO.PostalAddress: ("Adresse postale", "Postal address"),
    SDO.NewsArticle: ("Article d'actualité", "News article"),
    SDO.Article: ("Article", "Article"),
    SDO.DigitalDocument: ("Document numérique", "Digital document"),
    SDO.MediaObject: ("Média", "Media object"),
    SDO.CreativeWork: ("Œuvre", "Creative work"),
    SDO.SocialMediaPosting: ("Publication sur un réseau social", "Social media posting"),
    SDO.ImageObject: ("Image", "Image"),
    SDO.Chapter: ("Partie", "Chapter"),
    SDO.Role: ("Rôle", "Role"),
    SDO.Claim: ("Affirmation", "Claim"),
    SDO.Question: ("Question", "Question"),
    SDO.Report: ("Compte rendu", "Report"),
    SDO.Comment: ("Commentaire", "Comment"),
    SDO.Occupation: ("Métier", "Occupation"),
    SDO.GovernmentService: ("Service public", "Government service"),
    SDO.Dataset: ("Jeu de données", "Dataset"),
    SDO.DefinedTerm: ("Terme", "Defined term"),
    SDO.DefinedTermSet: ("Ensemble de termes", "Defined term set"),
    SDO.PropertyValue: ("Identifiant", "Property value"),
    SKOS.Concept: ("Concept", "Concept"),
    SKOS.ConceptScheme: ("Référentiel", "Concept scheme"),
    OWL.Ontology: ("Vocabulaire", "Ontology"),
    OWL.Class: ("Classe", "Class"),
    OWL.ObjectProperty: ("Propriété (lien)", "Object property"),
    OWL.DatatypeProperty: ("Propriété (valeur)", "Datatype property"),
    RDF.Property: ("Propriété", "Property"),
    PROV.Entity: ("Entité (PROV)", "Entity (PROV)"),
    DQV.QualityAnnotation: ("Annotation de qualité", "Quality annotation"),
    SH.NodeShape: ("Forme", "Node shape"),
    SH.PropertyShape: ("Forme de propriété", "Property shape"),
    SH.SPARQLExecutable: ("Requête SPARQL", "SPARQL query"),
    SH.SPARQLSelectExecutable: ("Requête SELECT", "SELECT query"),
    SH.SPARQLConstructExecutable: ("Requête CONSTRUCT", "CONSTRUCT query"),
    SH.SPARQLAskExecutable: ("Requête ASK", "ASK query"),
    IGEO.Commune: ("Commune", "Commune"),
    IGEO.Departement: ("Département", "Département"),
    IGEO.Region: ("Région", "Region"),
    IGEO.Intercommunalite: ("Intercommunalité", "Inter-municipal body"),
    SDO.EventScheduled: ("Programmé", "Scheduled"),
    SDO.EventCancelled: ("Annulé", "Cancelled"),
    SDO.EventPostponed: ("Reporté", "Postponed"),
    SDO.EventRescheduled: ("Reprogrammé", "Rescheduled"),
    SDO.EventMovedOnline: ("Passé en ligne", "Moved online"),
    SDO.OfflineEventAttendanceMode: ("Sur place", "In person"),
    SDO.OnlineEventAttendanceMode: ("En ligne", "Online"),
    SDO.MixedEventAttendanceMode: ("Sur place et en ligne", "In person and online"),
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _local_words(iri: URIRef) -> str:
    """``startDate`` → ``start date``: the last resort for a term without a label."""
    local = str(fallback_label(iri))
    return _CAMEL.sub(" ", local).replace("_", " ").lower()


@dataclass
class Terms:
    """Names of properties and classes, from the vocabulary graph and the tables above."""

    vocabulary: Graph = field(default_factory=Graph)

    @classmethod
    def read(cls, store: Store) -> Terms:
        """The names the store's vocabulary gives (one query: callers keep the result for a
        store generation)."""
        return cls(store.construct(VOCABULARY_QUERY))

    def _vocabulary_label(self, term: URIRef, languages: Languages) -> Literal | None:
        values = [v for v in self.vocabulary.objects(term, RDFS.label) if isinstance(v, Literal)]
        return languages.best(values) if values else None  # type: ignore[return-value]

    def property_label(self, prop: URIRef, languages: Languages, inverse: bool = False) -> str:
        row = PROPERTY_LABELS.get(prop)
        if row is not None:
            fr, en, inv_fr, inv_en = row
            return languages.text(inv_fr, inv_en) if inverse else languages.text(fr, en)
        if inverse:
            # owl:inverseOf may be stated on either side of the pair.
            others = chain(
                self.vocabulary.objects(prop, OWL.inverseOf),
                self.vocabulary.subjects(OWL.inverseOf, prop),
            )
            for other in others:
                found = self._vocabulary_label(other, languages)  # type: ignore[arg-type]
                if found is not None:
                    return str(found)
        found = self._vocabulary_label(prop, languages)
        name = str(found) if found is not None else _local_words(prop)
        if inverse:
            return languages.text(f"{name} (de)", f"{name} (of)")
        return name

    def class_label(self, cls: URIRef, languages: Languages) -> str:
        found = self._vocabulary_label(cls, languages)
        if found is not None:
            return str(found)
        row = CLASS_LABELS.get(cls)
        if row is not None:
            return languages.text(*row)
        return str(fallback_label(cls))


#: The triples :class:`Terms` needs from the store: labels of our terms, inverses of properties.
VOCABULARY_QUERY = (
    "CONSTRUCT { ?t <http://www.w3.org/2000/01/rdf-schema#label> ?l . "
    "?t <http://www.w3.org/2002/07/owl#inverseOf> ?i } WHERE { "
    "{ ?t <http://www.w3.org/2000/01/rdf-schema#isDefinedBy> ?o . "
    "?t <http://www.w3.org/2000/01/rdf-schema#label> ?l } UNION "
    "{ ?t <http://www.w3.org/2002/07/owl#inverseOf> ?i } }"
)


__all__ = ["CLASS_LABELS", "PROPERTY_LABELS", "VOCABULARY_QUERY", "Terms"]
