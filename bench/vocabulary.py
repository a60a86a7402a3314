"""Word lists for the vault generator (bench/gen_vault.py).

Kept apart from the generator so the generator reads as an algorithm. Multi-word entries are
written with underscores and split into words on load. Changing any list changes every
generated vault, so bump ``gen_vault.GENERATOR_VERSION`` when editing this file.
"""

from __future__ import annotations


def words(text: str) -> list[str]:
    return [w.replace("_", " ") for w in text.split()]


# The claim schema's domain enum, with the folder each lives in, a share of the claims, the
# domain's own nouns and some proper names (organisations, people, products) that can start a
# sentence or a title.
DOMAINS: list[dict] = [
    dict(
        name="ai-alignment", folder="domains/ai-alignment", weight=14, display="AI Alignment",
        nouns=words("""alignment model language_model reward_model reward_hacking interpretability
            oversight capability deception AI_system agent RLHF benchmark superintelligence compute
            evaluation red-teaming corrigibility misalignment preference value_learning constitution
            scaling_law frontier_lab safety_case autonomy jailbreak sandbagging
            situational_awareness
            chain_of_thought fine-tuning pretraining data_mixture deployment guardrail monitor
            tool_use agent_team verifier proof_assistant alignment_tax control_protocol
            model_organism circuit feature steering_vector training_run capability_threshold
            system_card eval_suite"""),
        names=words("""Veritas_Labs Lumen_AI Kestrel_Research Halcyon Orison_Labs Bostrom Russell
            Christiano Amodei the_Safety_Institute the_Frontier_Forum"""),
    ),
    dict(
        name="health", folder="domains/health", weight=11, display="Health",
        nouns=words("""GLP-1 clinic patient capitation Medicare_Advantage payer provider diagnosis
            triage wearable care_coordination prevention readmission chronic_disease pharmacy
            clinical_trial EHR biomarker primary_care value-based_care hospital insurer telehealth
            AI_scribe prior_authorization risk_adjustment care_gap home_health senior_care
            medical_loss_ratio formulary drug_pricing biosimilar screening
            continuous_glucose_monitor
            remote_monitoring claims_data clinician_burnout documentation behavioral_health
            care_pathway health_system outcome_measure HbA1c sleep_staging HRV"""),
        names=words("""Meridian_Health Solace_Care CMS Devonport_Clinic Aurelia_Health the_FDA
            Hartwell_Clinic Valen_Medical Northwind_Health Kestrel_Health_Plan"""),
    ),
    dict(
        name="internet-finance", folder="domains/internet-finance", weight=9,
        display="Internet Finance",
        nouns=words("""futarchy token DAO liquidity stablecoin treasury protocol decision_market ICO
            governance_token yield AMM order_book validator on-chain_vote fundraise launchpad
            ownership_coin conditional_market TWAP bonding_curve vesting_schedule airdrop
            market_maker lending_pool collateral oracle bridge rollup fee_switch buyback
            treasury_proposal pass_market fail_market unruggable_ICO token_holder memecoin
            perpetual_future restaking settlement_layer wallet"""),
        names=words("""Quorum_Protocol Tessellate Solvane Arbiter_DAO Futarch Helios_Finance
            Marrow_Markets the_SEC the_CFTC Augur_Row"""),
    ),
    dict(
        name="entertainment", folder="domains/entertainment", weight=5, display="Entertainment",
        nouns=words("""creator fandom franchise streaming studio community_IP audience attention
            box_office subscription storytelling superfan merchandise release_window
            short-form_video creator_economy talent_agency writers_room licensing_deal catalog
            recommendation_feed live_event fan_fiction virtual_idol game_studio mod_community
            animation_pipeline distribution_deal churn bundle"""),
        names=words("""Starling_Studios Emberlight Paloma_Media Northstar_Pictures Kinetoscope
            Riverbend_Games"""),
    ),
    dict(
        name="space-development", folder="domains/space-development", weight=4,
        display="Space Development",
        nouns=words("""launch_cost reusable_rocket orbit satellite_constellation lunar_base
            propellant_depot payload spaceport in-space_manufacturing orbital_debris heavy_lift
            ground_station space_tug cislunar_economy radiation_shielding launch_cadence
            on-orbit_servicing habitat regolith rideshare_mission downlink_capacity"""),
        names=words("""Arclight_Launch Perihelion Vanta_Orbital Corvid_Space the_Artemis_program
            Tsiolkovsky"""),
    ),
    dict(
        name="grand-strategy", folder="core/grand-strategy", weight=5, display="Grand Strategy",
        nouns=words("""proximate_objective guiding_policy diagnosis coalition leverage_point
            incumbency moat flywheel beachhead sequencing wedge kernel_of_strategy
            strategic_patience resource_allocation bet option_value"""),
        names=words("""Rumelt Sun_Tzu Boyd Clausewitz Thiel"""),
    ),
    dict(
        name="mechanisms", folder="core/mechanisms", weight=5, display="Mechanisms",
        nouns=words("""prediction_market quadratic_vote auction conditional_token mechanism_design
            incentive_compatibility sybil_resistance scoring_rule called-off_bet blind_vote
            dominant_assurance_contract Harberger_tax retroactive_funding peer_prediction
            mixed_mechanism manipulation_attempt"""),
        names=words("""Hanson Vickrey Myerson Buterin Weyl"""),
    ),
    dict(
        name="living-capital", folder="core/living-capital", weight=4, display="Living Capital",
        nouns=words("""fund investment_vehicle capital_formation LP carried_interest
            investment_thesis portfolio allocator management_fee due_diligence deal_flow
            secondary_market redemption_window NAV capital_call"""),
        names=words("""Cobalt_Ventures Aster_Capital the_Lindqvist_Fund"""),
    ),
    dict(
        name="living-agents", folder="core/living-agents", weight=7, display="Living Agents",
        nouns=words("""agent knowledge_base claim belief position evaluator proposer Markov_blanket
            memory wiki_link knowledge_graph cascade extraction_pipeline review_queue
            confidence_level research_session agent_identity source_archive reasoning_chain
            musing contributor attribution"""),
        names=words("""Leo Rio Clay Theseus Vida"""),
    ),
    dict(
        name="teleohumanity", folder="core/teleohumanity", weight=4, display="Teleohumanity",
        nouns=words("""civilization axiom narrative purpose flourishing long-term_future humanity
            worldview meaning master_narrative stewardship moral_circle"""),
        names=words("""Teilhard Toynbee Spengler"""),
    ),
    dict(
        name="critical-systems", folder="foundations/critical-systems", weight=5,
        display="Critical Systems",
        nouns=words("""criticality sandpile avalanche power_law phase_transition attractor
            feedback_loop emergence free_energy entropy fractal 1/f_noise self-organization
            critical_point strange_attractor perturbation dissipation catastrophe
            punctuated_equilibrium"""),
        names=words("""Bak Friston Kauffman Prigogine Mandelbrot Schrödinger"""),
    ),
    dict(
        name="collective-intelligence", folder="foundations/collective-intelligence", weight=5,
        display="Collective Intelligence",
        nouns=words("""collective_intelligence diversity network coordination crowd deliberation
            consensus team swarm wisdom_of_crowds cognitive_diversity group_decision
            information_cascade common_knowledge transactive_memory turn-taking"""),
        names=words("""Page Surowiecki Woolley Malone Condorcet Ostrom"""),
    ),
    dict(
        name="teleological-economics", folder="foundations/teleological-economics", weight=6,
        display="Teleological Economics",
        nouns=words("""attractor_state disruption incumbent value_chain bottleneck
            economic_complexity knowhow industry_transition profit_pool modular_architecture
            integrated_architecture conserved_attractiveness jobs_to_be_done learning_curve
            productive_capability cost_curve"""),
        names=words("""Christensen Hidalgo Hausmann Perez Schumpeter Coase"""),
    ),
    dict(
        name="cultural-dynamics", folder="foundations/cultural-dynamics", weight=6,
        display="Cultural Dynamics",
        nouns=words("""meme narrative identity norm ritual status trust contagion social_capital
            imitation culture memeplex tradition prestige conformity collective_brain
            master_narrative metaphor moral_foundation"""),
        names=words("""Henrich Dunbar Putnam Dawkins Blackmore Girard Gödel"""),
    ),
]

GENERAL_NOUNS = words("""system market institution incentive cost signal feedback_loop information
    coordination trust adoption network_effect scale error risk outcome constraint structure
    strategy capacity bottleneck equilibrium variance cooperation competition governance
    accountability legitimacy transparency reputation commitment uncertainty selection_pressure
    path_dependence lock-in switching_cost margin revenue productivity labor capital infrastructure
    standard interface platform ecosystem community norm rule contract property_right externality
    public_good free_rider principal-agent_problem moral_hazard adverse_selection
    information_asymmetry price_signal arbitrage volatility resilience fragility redundancy
    modularity specialization division_of_labor expertise judgment attention learning_curve
    experiment hypothesis evidence measurement metric proxy objective_function optimization
    tradeoff frontier threshold tipping_point cascade diffusion adoption_curve long_tail
    distribution outlier baseline counterfactual intervention policy regulation regulator mandate
    subsidy procurement incumbent newcomer supply_chain demand_curve workflow feedback decision
    error_correction verification review process organization firm team manager worker customer
    user buyer seller investor founder researcher reviewer audience voter citizen government
    agency court legislature election budget deficit surplus inflation interest_rate
    productivity_gap time_horizon planning_horizon discount_rate opportunity_cost sunk_cost
    bargaining_power market_share business_model unit_economics distribution_channel
    data_pipeline dataset compute_budget prototype pilot rollout transition crisis shock
    recovery cycle bubble collapse boom consolidation fragmentation monopoly oligopoly commons
    tradition reform revolution movement ideology doctrine heuristic bias blind_spot
    mental_model forecast estimate consensus dissent minority majority coalition""")

# Nouns that read badly in the plural.
MASS_NOUNS = set(words("""information coordination trust adoption governance accountability
    legitimacy transparency uncertainty path_dependence lock-in capital infrastructure labor
    evidence judgment attention expertise resilience fragility redundancy modularity
    specialization productivity volatility inflation regulation procurement alignment
    interpretability oversight capability deception compute red-teaming corrigibility
    misalignment value_learning autonomy situational_awareness fine-tuning pretraining deployment
    prevention triage capitation telehealth documentation liquidity futarchy yield collateral
    churn attention storytelling criticality emergence entropy self-organization dissipation
    diversity coordination consensus deliberation disruption knowhow economic_complexity
    social_capital imitation culture conformity prestige flourishing humanity stewardship
    incumbency sequencing strategic_patience mechanism_design incentive_compatibility
    sybil_resistance capital_formation carried_interest due_diligence deal_flow memory
    error_correction verification feedback distribution consolidation fragmentation
    1/f_noise HRV HbA1c GLP-1 RLHF EHR AI_system sleep_staging tool_use chain_of_thought
    cooperation competition wisdom_of_crowds common_knowledge transactive_memory
    cognitive_diversity turn-taking capital_call radiation_shielding launch_cadence regolith
    orbital_debris in-space_manufacturing senior_care home_health primary_care value-based_care
    behavioral_health remote_monitoring Medicare_Advantage commons drug_pricing clinician_burnout
    risk_adjustment
    prior_authorization""")) | {"1/f noise"}

ADJECTIVES = words("""decentralized centralized adversarial persistent structural marginal
    long-term short-term emergent distributed local global scalable fragile robust antifragile
    recursive compounding exponential linear nonlinear asymmetric implicit explicit tacit codified
    permissionless trustless credible costly cheap opaque transparent legible illegible modular
    integrated vertical horizontal incumbent insurgent early late mature nascent durable
    transient stable unstable latent visible hidden aggregate individual collective shared
    private public open closed competitive cooperative voluntary coercive formal informal
    measurable unmeasured independent correlated diverse homogeneous narrow broad shallow deep
    fast slow automated manual human-in-the-loop AI-first AI-native capability-matched
    risk-bearing value-aligned misaligned well-scoped poorly-specified high-variance low-variance
    high-trust low-trust path-dependent self-reinforcing self-correcting zero-sum positive-sum
    second-order first-order downstream upstream bottom-up top-down fine-grained coarse-grained
    naïve sophisticated heterogeneous synthetic empirical theoretical verifiable unverifiable
    rational boundedly-rational strategic myopic""")

# Base forms; the third person singular and -ing forms are derived.
VERBS = words("""create reduce amplify erode enable constrain require produce outperform replace
    accelerate undermine compound predict shift concentrate distribute expose reward punish
    stabilize fragment absorb reinforce dampen invert bypass commoditize unbundle capture leak
    subsidize filter select favor penalize lock_in crowd_out displace outcompete outlast outgrow
    internalize externalize aggregate coordinate fracture polarize anchor legitimize price
    overfit reveal conceal signal mask compress extend lower raise cap weaken strengthen
    outpace lag_behind converge_on diverge_from depend_on substitute_for complement degrade
    improve protect threaten erase preserve transform shape govern discipline attract repel
    sustain exhaust unlock block route_around mirror inherit export import misprice underprice
    overprice reallocate redistribute centralize decentralize standardize personalize
    automate augment verify falsify measure""")

GERUND_EXCEPTIONS = {
    "cap": "capping", "lag behind": "lagging behind", "overfit": "overfitting",
    "shift": "shifting", "route around": "routing around", "outpace": "outpacing",
}

ADVERBS = words("""structurally systematically rarely reliably quietly predictably gradually
    abruptly persistently increasingly disproportionately mostly""")

MODALS = words("""can cannot will may must should tends_to is_likely_to fails_to""")

PLURAL_QUANTIFIERS = words("""most many few some all""")

PERIOD_COUNTS = words("""two three four five six 12 14 18 30 40""")
PERCENTS = words("""5 12 18 25 30 40 60 70 90 97""")
YEARS = words("""1996 2008 2016 2019 2022 2023 2024 2025 2026""")
PERIODS = words("""months years quarters decades weeks""")

AUTHORS = words("""Bak Friston Kauffman Ostrom Hayek Simon Arrow Coase Schelling Christensen
    Henrich Dunbar Putnam Hanson Hidalgo Page Surowiecki Axelrod Kahneman Tetlock Perez
    Schumpeter Sterman Meadows Holland Arthur North Olson Granovetter Centola Watts Barabási
    Mokyr Diamond Tainter Turchin Scott Taleb Rumelt Thiel Weyl Buterin Myerson""")
WORK_WORDS = words("""Nature Order Markets Complexity Networks Knowledge Cooperation Institutions
    Evolution Governance Commons Power Attention Scale Signals Judgment Change Collapse Growth""")
ORGS = words("""Pine_Analytics Messari the_OECD the_WHO the_CBO the_RAND_Corporation
    the_Brookings_Institution McKinsey Gartner the_International_AI_Safety_Report
    the_Lancet_Commission Our_World_in_Data""")
MONTHS = words("""January February March April May June July August September October November
    December""")

CONNECTORS = words("""because which_means so while when until unless since even_though
    whereas""")

# Link sentence frames: {L} is the link markup, {c} a lowercase clause, {C} the same capitalised.
LINK_FRAMES = [
    "Since {L}, {c}.",
    "This follows from {L}: {c}.",
    "{C}, which is why {L} matters here.",
    "As {L} argues, {c}.",
    "The pattern in {L} applies directly — {c}.",
    "See {L} for the mechanism; {c}.",
    "{C} (see {L}).",
    "Because {L}, {c}.",
    "This is the same dynamic described in {L}.",
    "{C}, and {L} explains why.",
    "The evidence behind {L} points the same way: {c}.",
    "{L} is the structural reason {c}.",
]

GLOSSES = words("""the_underlying_mechanism the_empirical_case why_this_generalizes
    the_counter-argument a_concrete_instance the_cost_side the_incentive_problem
    what_breaks_at_scale the_historical_precedent the_failure_mode the_measurement_problem
    how_the_feedback_loop_closes the_adoption_constraint the_prior_claim_this_extends
    a_boundary_condition the_coordination_failure the_design_response""")

SECTION_HEADINGS = words("""The_Mechanism Why_This_Matters Scope_and_Limits Historical_Precedent
    The_Counter-Argument What_Would_Change_This Implications Measurement Open_Questions
    Boundary_Conditions The_Data How_It_Fails Design_Consequences Key_Distinction
    Important_Limitations Second-Order_Effects""")

TOPIC_MAP_TITLES = words("""overview analytical_toolkit coordination_and_governance
    attractor_dynamics knowledge_infrastructure capital_formation health_transition
    alignment_landscape cultural_evolution space_economy""")

ENTITY_SYLLABLES = words("""ae al an ar as co da de el en er fi ka la le li lo lu ma me mi mo na
    ne no or pa ra re ri ro sa se so ta te ti to va ve vi zo""")
ENTITY_SUFFIXES = words("""Labs Protocol Health Capital DAO Finance Care Markets Network Systems
    Clinic Fund Exchange Therapeutics""")
ENTITY_TYPES = {
    "internet-finance": words("""company protocol token decision_market exchange fund person"""),
    "health": words("""company provider insurer drug therapy program person"""),
}
AGENTS = {"internet-finance": "rio", "health": "vida"}
