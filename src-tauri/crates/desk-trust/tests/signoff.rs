//! Signed sign-offs: the attacks of the trust model, each refused by name.

use desk_core::model::Role;
use desk_core::signoff::SignBasis;
use desk_core::workflow::Policy;
use desk_trust::roster::{EnrolledKey, Roster, RosterPerson};
use desk_trust::signoff::{verify, Expected, SignoffClaim, SignoffProblem};
use desk_trust::KeyPair;

struct Office {
    roster: Roster,
    head: KeyPair,
    clerk: KeyPair,
    coordinator: KeyPair,
}

fn pair() -> KeyPair {
    KeyPair::generate().unwrap_or_else(|e| panic!("{e}"))
}

fn person(id: &str, department: &str, roles: Vec<Role>, key: &KeyPair) -> RosterPerson {
    RosterPerson {
        person_id: id.into(),
        name: id.into(),
        department_id: Some(department.into()),
        roles,
        keys: vec![EnrolledKey {
            public_key: key.public_key(),
            enrolled_at: "2026-12-01T08:00:00Z".into(),
            revoked_at: None,
        }],
    }
}

fn office() -> Office {
    let (head, clerk, coordinator) = (pair(), pair(), pair());
    let mut roster = Roster::first("catalog-1", pair().public_key(), "2026-12-01T08:00:00Z");
    roster.version = 3;
    roster.people = vec![
        person("head", "d-law", vec![Role::SectionHead], &head),
        person("clerk", "d-law", vec![Role::Clerk], &clerk),
        person(
            "coordinator",
            "d-office",
            vec![Role::Coordinator],
            &coordinator,
        ),
    ];
    Office {
        roster,
        head,
        clerk,
        coordinator,
    }
}

fn claim(signer: &str, key: &KeyPair) -> SignoffClaim {
    SignoffClaim {
        catalog_id: "catalog-1".into(),
        item_id: "item-1".into(),
        content_hash: format!("sha256:{}", "ab".repeat(32)),
        basis: SignBasis::SectionHead,
        roster_version: 3,
        at: "2026-12-05T09:30:00Z".into(),
        signer_id: signer.into(),
        public_key: key.public_key(),
    }
}

fn expected(office_signs: bool) -> Expected<'static> {
    Expected {
        catalog_id: "catalog-1",
        lead_department: Some("d-law"),
        policy: Policy { office_signs },
    }
}

fn check(office: &Office, claim: &SignoffClaim, key: &KeyPair) -> Result<(), &'static str> {
    let signature = claim.sign(key);
    verify(
        claim,
        &signature,
        &office.roster,
        &office.roster,
        &expected(false),
    )
    .map_err(|e| e.code())
}

#[test]
fn the_section_head_of_the_lead_department_signs_and_it_verifies() {
    let office = office();
    assert_eq!(
        check(&office, &claim("head", &office.head), &office.head),
        Ok(())
    );
}

#[test]
fn a_clerk_signing_with_her_own_enrolled_key_is_not_a_sign_off() {
    let office = office();
    assert_eq!(
        check(&office, &claim("clerk", &office.clerk), &office.clerk),
        Err("signoff_signer_without_role")
    );
}

#[test]
fn a_clerk_claiming_to_be_the_head_with_her_key_is_refused() {
    let office = office();
    // Her key named as the head's: the roster holds another key for the head.
    assert_eq!(
        check(&office, &claim("head", &office.clerk), &office.clerk),
        Err("signoff_key_not_in_roster")
    );
    // The head's public key named, her own key signing: the signature does not match.
    let forged = claim("head", &office.head);
    let signature = forged.sign(&office.clerk);
    assert_eq!(
        verify(
            &forged,
            &signature,
            &office.roster,
            &office.roster,
            &expected(false)
        )
        .map_err(|e| e.code()),
        Err("signoff_bad_signature")
    );
}

#[test]
fn a_signature_replayed_on_another_item_or_other_content_does_not_verify() {
    let office = office();
    let original = claim("head", &office.head);
    let signature = original.sign(&office.head);
    let mut other_item = original.clone();
    other_item.item_id = "item-2".into();
    let mut other_content = original.clone();
    other_content.content_hash = format!("sha256:{}", "cd".repeat(32));
    let mut other_basis = original.clone();
    other_basis.basis = SignBasis::Office;
    let mut other_time = original.clone();
    other_time.at = "2026-12-06T09:30:00Z".into();
    for (what, replayed) in [
        ("item", other_item),
        ("content", other_content),
        ("basis", other_basis),
        ("time", other_time),
    ] {
        assert_eq!(
            verify(
                &replayed,
                &signature,
                &office.roster,
                &office.roster,
                &expected(true)
            ),
            Err(SignoffProblem::BadSignature),
            "{what}"
        );
    }
}

#[test]
fn a_head_of_another_department_or_a_person_not_in_the_roster_is_refused() {
    let mut office = office();
    let other_head = pair();
    office.roster.people.push(person(
        "other-head",
        "d-school",
        vec![Role::SectionHead],
        &other_head,
    ));
    assert_eq!(
        check(&office, &claim("other-head", &other_head), &other_head),
        Err("signoff_signer_without_role")
    );
    let stranger = pair();
    assert_eq!(
        check(&office, &claim("stranger", &stranger), &stranger),
        Err("signoff_signer_unknown")
    );
}

#[test]
fn the_coordinator_signs_as_the_office_only_where_the_office_signs() {
    let office = office();
    let mut as_office = claim("coordinator", &office.coordinator);
    as_office.basis = SignBasis::Office;
    let signature = as_office.sign(&office.coordinator);
    assert_eq!(
        verify(
            &as_office,
            &signature,
            &office.roster,
            &office.roster,
            &expected(true)
        ),
        Ok(())
    );
    assert_eq!(
        verify(
            &as_office,
            &signature,
            &office.roster,
            &office.roster,
            &expected(false)
        )
        .map_err(|e| e.code()),
        Err("signoff_signer_without_role")
    );
}

#[test]
fn a_revoked_key_signing_after_its_revocation_is_refused_and_earlier_signatures_stay_valid() {
    let office = office();
    let mut latest = office.roster.clone();
    latest.version = 4;
    latest.people[0].keys[0].revoked_at = Some("2026-12-05T00:00:00Z".into());
    let mut before = claim("head", &office.head);
    before.at = "2026-12-04T16:00:00Z".into();
    let signature = before.sign(&office.head);
    assert_eq!(
        verify(
            &before,
            &signature,
            &office.roster,
            &latest,
            &expected(false)
        ),
        Ok(())
    );
    // After the revocation, even naming the roster version from before it.
    let after = claim("head", &office.head);
    let signature = after.sign(&office.head);
    assert_eq!(
        verify(
            &after,
            &signature,
            &office.roster,
            &latest,
            &expected(false)
        )
        .map_err(|e| e.code()),
        Err("signoff_key_not_valid")
    );
    // Before the key was enrolled.
    let mut early = claim("head", &office.head);
    early.at = "2026-11-01T00:00:00Z".into();
    let signature = early.sign(&office.head);
    assert_eq!(
        verify(
            &early,
            &signature,
            &office.roster,
            &office.roster,
            &expected(false)
        )
        .map_err(|e| e.code()),
        Err("signoff_key_not_valid")
    );
}

#[test]
fn a_sign_off_names_its_roster_version_and_catalog() {
    let office = office();
    let mut claim_v2 = claim("head", &office.head);
    claim_v2.roster_version = 2;
    let signature = claim_v2.sign(&office.head);
    assert_eq!(
        verify(
            &claim_v2,
            &signature,
            &office.roster,
            &office.roster,
            &expected(false)
        )
        .map_err(|e| e.code()),
        Err("signoff_roster_version")
    );
    let mut other_catalog = claim("head", &office.head);
    other_catalog.catalog_id = "catalog-2".into();
    let signature = other_catalog.sign(&office.head);
    assert_eq!(
        verify(
            &other_catalog,
            &signature,
            &office.roster,
            &office.roster,
            &expected(false)
        )
        .map_err(|e| e.code()),
        Err("signoff_other_catalog")
    );
}

#[test]
fn the_office_key_itself_accepts_on_the_offices_basis_only() {
    let office_key = pair();
    let mut office = office();
    office.roster.office_key = office_key.public_key();
    // The coordinator, in her name, with the office key: the office accepting an old sign-off.
    let mut accepted = claim("coordinator", &office_key);
    accepted.basis = SignBasis::Office;
    assert_eq!(check(&office, &accepted, &office_key), Ok(()));
    // Anyone's name, even one the roster does not hold: the office key answers for it.
    let mut nobody = claim("nobody", &office_key);
    nobody.basis = SignBasis::Office;
    assert_eq!(check(&office, &nobody, &office_key), Ok(()));
    // Not as a section head's sign-off, and not with any other key on the office's basis.
    let as_head = claim("head", &office_key);
    assert_eq!(
        check(&office, &as_head, &office_key),
        Err("signoff_key_not_in_roster")
    );
    let stranger = pair();
    let mut forged = claim("coordinator", &stranger);
    forged.basis = SignBasis::Office;
    assert_eq!(
        check(&office, &forged, &stranger),
        Err("signoff_key_not_in_roster")
    );
}
