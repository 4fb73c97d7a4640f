import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SubjectImagesDescribed } from '@chorus/client';
import type { FieldError, SubjectLocation } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound, validationFailed } from '../common/problem';
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
 * the same content, so not a correction, and nothing is recorded of it.
 */
@Injectable()
export class ImageDescriptionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly corrections: SubjectCorrectionsService,
  ) {}

  async describe(subjectId: string, { descriptions }: ImageDescriptionsInput, user: AuthUser): Promise<SubjectImagesDescribed> {
    await this.corrections.requireSubjectOfResearcher(subjectId, user);
    return this.db.transaction(async (manager) => {
      // NO KEY UPDATE: a classification of the subject, whose foreign key shares its row, is stored meanwhile.
      const [stored] = await manager.query<{ locations: SubjectLocation[] }[]>('SELECT locations FROM subjects WHERE id = $1 FOR NO KEY UPDATE', [subjectId]);
      if (!stored) throw notFound(`Subject ${subjectId}`, '/params/id');
      const errors = descriptionErrors(stored.locations, descriptions);
      if (errors.length) throw validationFailed(errors);
      const locations = described(stored.locations, descriptions);
      await manager.query('UPDATE subjects SET locations = $2::jsonb WHERE id = $1', [subjectId, JSON.stringify(locations)]);
      return { subjectId, locations };
    });
  }
}
