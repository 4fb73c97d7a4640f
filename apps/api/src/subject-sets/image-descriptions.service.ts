import { Injectable } from '@nestjs/common';
import type { SubjectImagesDescribed } from '@chorus/client';
import type { FieldError, SubjectLocation } from '@chorus/tasks';
import type { AuthUser } from '../auth/auth.decorators';
import type { ImageDescriptionsInput } from './dto/image-descriptions.dto';
import { SubjectCorrectionsService } from './subject-corrections.service';

/** Why `descriptions` cannot describe a subject's `locations`, each error named by its index in `/descriptions`. */
function descriptionErrors(locations: readonly SubjectLocation[], descriptions: readonly (string | null)[]): FieldError[] {
  if (descriptions.length !== locations.length) {
    return [{ pointer: '/descriptions', message: `has ${descriptions.length} entr${descriptions.length === 1 ? 'y' : 'ies'} where the subject has ${locations.length} location${locations.length === 1 ? '' : 's'}: send one per location, in order (null for a sound or a text)` }];
  }
  return descriptions.flatMap((description, index) =>
    description !== null && locations[index]!.type !== 'image'
      ? [{ pointer: `/descriptions/${index}`, message: `describes location ${index}, which is ${locations[index]!.type === 'audio' ? 'a sound' : 'a text'}: only images take a description; send null` }]
      : [],
  );
}

/** The locations with each image described as `descriptions` says (without a description where it says null). */
function described(locations: readonly SubjectLocation[], descriptions: readonly (string | null)[]): SubjectLocation[] {
  return locations.map((location, index) => {
    if (location.type !== 'image') return location;
    const { alt: _, ...image } = location;
    const description = descriptions[index];
    return description === null || description === undefined ? image : { ...image, alt: description };
  });
}

/**
 * Researchers describe a subject's images for volunteers who cannot see them (each image's `alt`, kept in its location):
 * the same content, so not a correction, and nothing is recorded of it; otherwise changed as a correction is.
 */
@Injectable()
export class ImageDescriptionsService {
  constructor(private readonly corrections: SubjectCorrectionsService) {}

  describe(subjectId: string, { descriptions }: ImageDescriptionsInput, user: AuthUser): Promise<SubjectImagesDescribed> {
    return this.corrections.changeLocations(subjectId, user, {
      errors: (stored) => descriptionErrors(stored, descriptions),
      write: async (manager, stored) => {
        const locations = described(stored, descriptions);
        await manager.query('UPDATE subjects SET locations = $2::jsonb WHERE id = $1', [subjectId, JSON.stringify(locations)]);
        return { subjectId, locations };
      },
    });
  }
}
