//! Sector vocabularies: the words of a trade (French and English) that a client's few past posts may not have used
//! yet. A client whose profile matches a sector well gets that sector's words, at a low weight, in its vector; so a
//! draft about `torticolis` still reads like the osteopath even if no past post said it.
//!
//! Written by hand as a professional of each trade would list them; never tuned on a draft.

/// (name, words separated by spaces or commas).
pub const SECTORS: &[(&str, &str)] = &[
    (
        "pizzeria",
        "pizza pizzeria pizzaiolo napolitaine napoletana margherita marinara regina calzone quattro formaggi diavola \
         reine four bois feu pâte farine levure tomate tomates basilic origan mozzarella bufala burrata fior latte \
         parmesan gorgonzola ricotta mascarpone jambon speck prosciutto chorizo salami olives roquette focaccia \
         antipasti tiramisu panna cotta limoncello espresso italien italienne italia naples napoli sicile trattoria \
         emporter table couverts serveur serveuse salle menu dessert apéritif spritz \
         pasta pâtes lasagnes risotto pizza oven wood-fired dough crust slice toppings cheese takeaway delivery \
         restaurant dinner waiter",
    ),
    (
        "restaurant",
        "restaurant brasserie bistrot chef cuisine cuisinier menu carte plat plats entrée dessert déjeuner dîner \
         réservation table couverts service serveur serveuse salle terrasse vin vins apéritif cocktail produits \
         frais marché recette recettes dish dinner lunch booking waiter kitchen",
    ),
    (
        "tapis",
        "tapis kilim kilims berbère berbères persan persans orient oriental laine soie coton jute sisal jonc \
         tissage tissé tissée tisserand tisserande tisserands métier nœud nœuds noué nouage trame chaîne franges \
         lisière bordure médaillon motifs motif géométrique teinture teintures végétales indigo garance poils \
         épais ras tufté moquette thibaude antidérapant salon couloir escalier chambre décoration déco intérieur \
         textile textiles artisanat ancien anciens vintage pièce unique collection showroom magasin nettoyage \
         restauration réparation mites dimensions mesure coussin coussins rug rugs carpet carpets wool hand-knotted \
         woven weaving persian vintage runner decor interior",
    ),
    (
        "osteopathie",
        "ostéopathe ostéopathie ostéo kiné kinésithérapeute séance séances consultation consulter cabinet \
         praticien patient patients douleur douleurs dos lombaires lombalgie sciatique cervicales nuque épaules \
         épaule bassin hanche hanches genou genoux cheville entorse tendinite torticolis migraine migraines maux \
         tête mâchoire bruxisme vertiges posture postures colonne vertébrale vertèbres articulation articulations \
         muscles musculaire tensions tension blocage mobilité étirements étirer respiration diaphragme stress \
         sommeil oreiller nourrisson nourrissons bébé grossesse enceinte périnatalité post-partum accouchement \
         sportif sportifs blessure récupération mutuelle remboursement médecin pédiatre santé soulager soulagement \
         manipulation techniques manuelles douces bilan prévention back pain neck posture appointment practice \
         osteopath osteopathy therapy injury stretch",
    ),
    (
        "musee",
        "musée musées exposition expositions expo collection collections œuvre œuvres tableau tableaux peinture \
         peintures peintre peintres toile sculpture sculptures dessin dessins gravure estampes photographie \
         artiste artistes art arts beaux-arts archéologie archéologique antique antiquité romaine gallo-romaine \
         mosaïque amphore vestiges fouilles objets patrimoine histoire historique siècle conservateur conservatrice \
         restauration restaurateur réserves inventaire acquisition mécénat prêt salle salles galerie galeries \
         cloître chapelle retable visite visites visiteurs guidée guide audioguide médiation médiateur atelier \
         ateliers scolaires vernissage conférence catalogue billetterie entrée gratuite nuit musées journées \
         patrimoine museum gallery galleries exhibition painting paintings artwork collection tour curator",
    ),
    (
        "banque",
        "banque bancaire bancaires agence agences conseiller conseillère conseillers compte comptes carte \
         chéquier virement prélèvement découvert crédit crédits prêt prêts emprunt emprunteur taux intérêt intérêts \
         immobilier simulation mensualités remboursement épargne épargner livret livrets assurance assurances \
         assurance-vie placement placements patrimoine patrimonial retraite investir investissement bourse scpi \
         financement financer sociétaire sociétaires mutualiste coopérative caisse fraude phishing arnaque \
         opposition sans contact banque en ligne professionnels entreprise \
         trésorerie notaire budget argent euros bank banking account savings loan mortgage interest rate adviser",
    ),
    (
        "automobile",
        "voiture voitures automobile automobiles auto véhicule véhicules concession concessionnaire garage \
         garagiste atelier mécanicien mécanique carrosserie carrossier peinture pare-brise pneus pneu jantes \
         freins plaquettes disques vidange révision entretien contrôle technique batterie moteur boîte \
         automatique manuelle embrayage climatisation diesel essence hybride hybrides électrique électriques \
         recharge borne bornes autonomie kilomètres kilométrage occasion occasions neuf neuve modèle modèles suv \
         citadine berline break utilitaire fourgon essai essais reprise leasing location longue durée lld loa \
         financement bonus écologique prime conversion permis conduite route autoroute car cars vehicle used \
         test drive dealership mechanic tyres brakes garage",
    ),
    (
        "fleuriste",
        "fleuriste fleuristes fleur fleurs fleuri fleurie bouquet bouquets gerbe gerbes couronne couronnes \
         composition compositions florale floral art floral roses rose pivoines pivoine tulipes tulipe renoncules \
         anémones mimosa muguet lys orchidée orchidées hortensias dahlias chrysanthèmes bruyères marguerites \
         tournesols lavande eucalyptus feuillage feuillages branches tiges pétales parfum vase arrosage rempotage \
         terreau pot pots plantes plante vertes succulentes cactus terrarium séchées jardin botte bottes \
         cueillies producteur horticulteur mariage mariée mariés boutonnière arche centres table deuil \
         obsèques hommage saint-valentin fête mères toussaint livraison flowers flower florist bouquet roses \
         peonies wedding plants",
    ),
    (
        "fitness",
        "salle sport sports fitness musculation muscu cardio coach coachs coaching entraînement entraîner \
         s'entraîner séance séances workout cours collectifs abonnement abonnés adhérents inscription \
         sans engagement squat squats fentes pompes tractions abdos gainage planche burpees haltères barre \
         kettlebell kettlebells rameur tapis course vélo spinning biking yoga pilates stretching zumba boxe \
         cross-training crossfit hiit circuit body pump renforcement musculaire muscles force endurance \
         échauffement récupération courbatures protéines nutrition sèche prise masse calories perte poids \
         vestiaires casiers challenge défi objectif motivation performance record transformation gym training \
         coach workout fitness class classes membership members",
    ),
    (
        "boulangerie",
        "boulangerie boulanger boulangère boulangers pâtisserie pâtissier pâtisseries pain pains baguette \
         baguettes tradition levain campagne complet seigle céréales mie croûte farine farines blé moulin \
         pétrissage fermentation four fournil fournée cuisson viennoiserie viennoiseries croissant croissants \
         chocolatine pain chocolat brioche brioches pain raisins chausson feuilletage beurre galette galettes \
         frangipane fève bûche bûches éclair éclairs tarte tartes flan macarons mille-feuille fraisier \
         entremets gâteau gâteaux sandwich sandwichs quiche formule snacking goûter crêpes bakery baker bread \
         sourdough loaf baguette croissant pastry pastries cake",
    ),
    (
        "librairie",
        "librairie librairies libraire libraires livre livres lecture lectures lecteur lecteurs lectrice lire \
         roman romans romancier romancière auteur auteurs autrice écrivain écrivaine écriture poche broché \
         éditeur éditions édition parution tome tomes série saga bd bande dessinée dessinées manga mangas comics \
         roman graphique jeunesse album albums conte contes polar polars thriller policier science-fiction \
         fantasy essai essais poésie poème biographie récit littérature littéraire rentrée prix goncourt renaudot \
         dédicace dédicaces rencontre club coup cœur rayon rayons précommande book books bookshop \
         bookstore novel novels reading author authors signing",
    ),
    (
        "hotel",
        "hôtel hôtels hôtelier séjour séjours nuit nuits nuitée nuitées chambre chambres suite suites \
         réservation réserver réception réceptionniste concierge check-in check-out petit-déjeuner \
         demi-pension restaurant gastronomique chef sommelier bar spa spas bien-être massage massages soin soins \
         visage corps rituel gommage enveloppement hammam sauna jacuzzi piscine détente relaxation cure \
         thalasso coffret escapade week-end vacances station ski pistes remontées montagne chalet vue \
         terrasse séminaire séminaires réunion team building clientèle hotel stay room rooms suite spa massage \
         wellness resort booking breakfast ski slopes mountain",
    ),
    (
        "electromenager",
        "électroménager téléviseur téléviseurs télé télévision tv écran écrans pouces oled qled led 4k 8k hdr \
         barre son enceinte enceintes caisson home cinéma vidéoprojecteur hi-fi ampli amplificateur platine \
         vinyle casque écouteurs bluetooth sans fil wifi box ordinateur ordinateurs portable pc tablette \
         tablettes smartphone smartphones liseuse imprimante console consoles jeux vidéo gaming manette clavier \
         souris lave-linge lave-vaisselle sèche-linge réfrigérateur frigo congélateur four micro-ondes plaque \
         induction hotte aspirateur robot cafetière machine café friteuse climatiseur ventilateur appareil \
         appareils électroménager panne réparation sav technicien pièces détachées garantie installation \
         livraison reprise magasin rayon tv tvs screen television soundbar speakers laptop appliance appliances \
         fridge washing machine dishwasher repair",
    ),
    (
        "coiffure",
        "coiffeur coiffeuse coiffure salon cheveux coupe couleur coloration balayage mèches brushing \
         shampooing soin soins barbe barbier permanente lissage chignon frange dégradé blond brun \
         rendez-vous hair haircut hairdresser barber colour",
    ),
    (
        "immobilier",
        "immobilier agence agent mandat vente achat location appartement appartements maison maisons \
         studio terrain pièces m² surface loyer locataire propriétaire estimation visite visites notaire \
         compromis copropriété charges dpe real estate property flat house rent",
    ),
];

/// The words of ordinary business life, shared by every trade: opening hours and closures, hiring, and
/// outages, holidays and wishes, loyalty, reviews, the premises. They never mark a client (they are not *core* terms
/// even when a client's trade list or identity has them) and weigh less. Written by hand as a list of what any
/// shop, office or venue posts about; French and English.
pub const EVERYDAY: &str =
    "horaire horaires ouverture ouvertures ouvert ouverte ouverts fermé fermée fermés fermeture \
     fermetures réouverture rouvre rouvrons exceptionnel exceptionnelle exceptionnellement habituel habituels \
     habituelles inventaire travaux chantier déménagement congés congé vacances férié fériés pont fêtes fête noël \
     nouvel an voeux vœux réveillon rentrée soldes promotion promotions promo remise réduction offre offres code \
     recrute recrutons recrutement embauche poste postes candidature candidatures cv stage stagiaire alternance \
     alternant apprenti apprentissage cdi cdd temps partiel équipe équipes collègue collègues client clients \
     clientèle accueil accueillir contact contacter téléphone standard mail email courriel message messages \
     formulaire site internet web newsletter inscription inscrire abonnez abonnés abonnement réseaux panne pannes \
     coupure coupures wi-fi wifi terminal cb chèque chèques espèces sans contact facture factures fidélité bon bons \
     avis google note étoiles sondage enquête questionnaire satisfaction retour retours remerciements merci \
     confiance parking stationnement accès accessible accessibilité handicap pmr poussette rue quartier ville \
     centre-ville commerçants commerce commerces boutique magasin local locaux adresse anniversaire ans bougies \
     fêter célébrer concours gagner gagnant tirage sort partenaire partenaires rendez-vous \
     opening hours closed closing reopening holiday holidays christmas hiring job jobs apply team staff \
     customer customers review reviews survey feedback thank thanks loyalty outage down parking access \
     anniversary newsletter subscribe contest giveaway";
